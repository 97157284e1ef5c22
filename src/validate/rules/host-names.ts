import type { Rule } from "../context.js";

/** Names Ansible gives its implicit groups: a host named so would be read as the group in the hand-off's inventory and limits. */
const ANSIBLE_GROUPS = new Set(["all", "ungrouped", "localhost"]);

export const hostNames: Rule = (ctx) => {
  ctx.doc.hosts.forEach((h, i) => {
    if (!ANSIBLE_GROUPS.has(h.name)) return;
    ctx.report(
      ["hosts", i, "name"],
      "host-name-reserved",
      `host name '${h.name}' is one Ansible reserves (${[...ANSIBLE_GROUPS].join(", ")}): the hand-off's '--limit ${h.name}' would not mean this host`,
      "use the host's real name",
    );
  });
};
