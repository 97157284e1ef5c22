// How a diagnostic names the model object it is about ("network provider-vip"): read from the data
// by its path, below every layer that reports (the loader, validate, alloc).

const SINGULAR: Record<string, string> = {
  hosts: "host",
  networks: "network",
  bridges: "bridge",
  attach: "attachment",
  ranges: "range",
  statics: "static",
  vrouters: "vrouter",
  members: "member",
  upstreams: "upstream",
};

/** Name the model object a data path is inside, e.g. "network provider-vip" or "host jumphost bridge virbr1". */
export function objectName(data: unknown, path: ReadonlyArray<string | number>): string {
  const parts: string[] = [];
  let node: unknown = data;
  for (let i = 0; i < path.length; i++) {
    const seg = path[i]!;
    const parent = node;
    node = (node as Record<string | number, unknown> | undefined)?.[seg];
    if (typeof seg === "number" && Array.isArray(parent)) {
      const kind = SINGULAR[String(path[i - 1])] ?? String(path[i - 1]);
      const el = node as Record<string, unknown> | undefined;
      const label =
        typeof el?.name === "string"
          ? el.name
          : typeof el?.host === "string"
            ? el.bridge === undefined && kind === "member"
              ? el.host
              : `${el.host}/${String(el.bridge ?? "?")}`
            : `#${seg + 1}`;
      parts.push(`${kind} ${label}`);
    } else if (seg === "gateway") {
      parts.push("gateway");
    }
  }
  return parts.join(" ") || "site";
}
