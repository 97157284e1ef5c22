import type { Rule } from "../context.js";
import { eachVrouter } from "../vrouter-lookup.js";

/**
 * Warning: keepalived without 'auth_vault_var' runs VRRP with no password. It works, so it is not an
 * error, but it should be a choice someone made, not what a forgotten line gives.
 */
export const vrrpUnauthenticated: Rule = (ctx) => {
  eachVrouter(ctx, (v, i) => {
    const ha = v.ha;
    if (ha?.manager !== "keepalived" || ha.auth_vault_var !== undefined) return;
    // `auto` is chosen after validation (src/alloc): not a number to name here
    const id = typeof ha.virtual_router_id === "number" ? `VRRP ID ${ha.virtual_router_id}` : "its VRRP ID";
    ctx.warn(
      ["vrouters", i, "ha"],
      "vrrp-unauthenticated",
      `keepalived runs VRRP without a password: adverts for ${id} from any host on network ${v.management.network} are accepted`,
      "set 'auth_vault_var' to the Ansible vault variable that holds the VRRP password (never written into out/)",
      true,
    );
  });
};
