// Interface names (src/validate/names.ts): a too long name is reported where it is made, and the
// suggested shorter name is stable.
import { describe, expect, it } from "vitest";
import { check } from "../../../src/compile.js";
import { shorten } from "../../../src/validate/names.js";
import { FUEL_ENV, fuelEnvOpts } from "../../helpers/compile.js";
import { fuelEnvText, variantText } from "../../helpers/variant.js";

describe("interface names", () => {
  const diags = (text: string) => check(text, FUEL_ENV, fuelEnvOpts).map((d) => [d.line, d.col, d.code, d.message]);
  const longLink = (text: string) => text.replace("link: vr-mgmt }", "link: vr-management1 }");

  it("a too long veth peer name is reported at the name that makes it: the link for the default peer, else the peer", () => {
    expect(diags(longLink(fuelEnvText()))).toEqual([
      [
        84,
        57,
        "ifname-too-long",
        "the default veth peer name of link 'vr-management1' (<link>-p) 'vr-management1-p' is 16 characters; Linux allows 15 (IFNAMSIZ)",
      ],
    ]);
    expect(diags(fuelEnvText().replace("link: vr-mgmt }", "link: vr-mgmt, peer: vr-mgmt-peer-end }"))).toEqual([
      [84, 72, "ifname-too-long", "veth peer name 'vr-mgmt-peer-end' is 16 characters; Linux allows 15 (IFNAMSIZ)"],
    ]);
  });

  it("a suggested shorter name takes letters from the first of equally long words", () => {
    expect(shorten("abcd-efgh", 8)).toBe("abc-efgh");
    expect(shorten("alpha-bravo", 9)).toBe("alph-brv");
  });

  it("on Open vSwitch bridges a leg has no veth peer, so its default peer name may be long", () => {
    expect(diags(longLink(variantText()))).toEqual([]);
  });
});
