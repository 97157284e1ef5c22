// Simulated hosts that Ansible reaches over ssh, as it reaches a real site: each host is a simulated host
// (sim-host.ts: real systemd as PID 1, private /run and /tmp, /etc and /var as overlays on its disk),
// running its own sshd, a unit of its systemd, bound to the host's management address inside the test
// topology. The controller is one more namespace on the management segment; ansible-playbook runs there
// with a per-run key, default forks, ssh multiplexing and pipelining. sshd comes from .tools/openssh
// (scripts/install-tools.sh unpacks it: installing the package would start one on this machine).
import { copyFileSync, cpSync, existsSync, mkdirSync, readdirSync, writeFileSync } from "node:fs";
import { basename, join } from "node:path";
import { shWords } from "../../src/render/shell-quote.js";
import { ROOT } from "./gen.js";
import { run } from "./tools.js";
import { requireHostVisible, SimHost } from "./sim-host.js";
import type { HostSpec, Topology } from "./vrouter-topology.js";

export const SSHD = join(ROOT, ".tools/openssh/usr/sbin/sshd");
const PATH = "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin";

export function requireSshd(): void {
  if (!existsSync(SSHD)) throw new Error(`${SSHD} is missing: run 'bash scripts/install-tools.sh' (it unpacks openssh-server there)`);
}

export interface Recap {
  ok: number;
  changed: number;
  unreachable: number;
  failed: number;
  skipped: number;
  rescued: number;
  ignored: number;
}
export interface FleetRun {
  code: number;
  stdout: string;
  stderr: string;
  seconds: number;
  recaps: Record<string, Recap>;
}

/** Every PLAY RECAP line, by host. */
export function recaps(stdout: string): Record<string, Recap> {
  const out: Record<string, Recap> = {};
  const re = /^(\S+)\s+: ok=(\d+)\s+changed=(\d+)\s+unreachable=(\d+)\s+failed=(\d+)\s+skipped=(\d+)\s+rescued=(\d+)\s+ignored=(\d+)/gm;
  for (const m of stdout.matchAll(re)) {
    const [ok, changed, unreachable, failed, skipped, rescued, ignored] = m.slice(2).map(Number) as number[];
    out[m[1]!] = { ok: ok!, changed: changed!, unreachable: unreachable!, failed: failed!, skipped: skipped!, rescued: rescued!, ignored: ignored! };
  }
  return out;
}

export class Fleet {
  readonly hosts: string[] = [];
  readonly sim = new Map<string, SimHost>();
  private readonly dir: string;

  /** The sshd the hosts run: a copy in the run's folder (a checkout under /tmp is hidden inside a host). */
  private readonly sshd: string;

  /** tmp: the run's folder (keys, sshd configurations, scratch, logs), which the hosts must see too (hostTempDir). */
  constructor(
    readonly topo: Topology,
    readonly tmp: string,
  ) {
    requireHostVisible(tmp);
    this.dir = join(tmp, "ssh");
    mkdirSync(join(this.dir, "cp"), { recursive: true });
    this.sshd = join(this.dir, "sshd");
    copyFileSync(SSHD, this.sshd);
    for (const k of ["client", "host"]) {
      const r = run("ssh-keygen", ["-q", "-t", "ed25519", "-N", "", "-C", `sitegen-test-${k}`, "-f", join(this.dir, k)]);
      if (r.code !== 0) throw new Error(`ssh-keygen: ${r.stderr}`);
    }
    run("cp", [join(this.dir, "client.pub"), join(this.dir, "authorized_keys")]);
  }

  /** The controller: a namespace on segment with address/prefix, where ansible-playbook runs. */
  controller(address: string, prefix: number, segment: "mgmt" | "pub" = "mgmt"): void {
    this.topo.leaf("ctl", "eth0", segment);
    this.topo.must("ctl", `ip addr add ${address}/${prefix} dev eth0`);
  }

  /**
   * A simulated host booted with systemd, its sshd listening on address:22 only, started as a unit (so that Ansible's
   * commands run as the host's systemd runs them, without CAP_SYS_TIME); binDir goes first in its sessions' PATH.
   */
  async host(spec: HostSpec, address: string, binDir?: string, env: string[] = []): Promise<void> {
    // binDir as the hosts see it: a checkout under /tmp is hidden inside a host, so a copy in the run's folder
    const bin = binDir ? join(this.tmp, `bin-${basename(binDir)}`) : undefined;
    if (binDir && bin && !existsSync(bin)) cpSync(binDir, bin, { recursive: true });
    this.topo.hostNet(spec);
    const h = new SimHost(this.topo, spec.name, join(this.tmp, `disk-${spec.name}`), join(this.tmp, `console-${spec.name}.log`));
    this.sim.set(spec.name, h);
    await h.boot();
    // A home of its own for root, as on a real host: sshd runs every command through root's bash, which reads
    // ~/.bashrc, and this machine's /root/.bashrc (pyenv init) would cost each simulated host about 0.15 s of CPU
    // per Ansible task. sshd's privilege separation user too (openssh-server is unpacked, not installed). Only
    // the host's /etc overlay is edited (checked first).
    this.topo.must(
      spec.name,
      '[ "$(findmnt -no FSTYPE /etc)" = overlay ] && mkdir -p /run/sitegen-home /run/sshd' +
        " && sed -i 's#^root:\\([^:]*:[^:]*:[^:]*:[^:]*\\):/root:#root:\\1:/run/sitegen-home:#' /etc/passwd" +
        " && grep -q '^root:.*:/run/sitegen-home:' /etc/passwd" +
        " && { grep -q '^sshd:' /etc/passwd || echo 'sshd:x:65533:65534::/run/sshd:/usr/sbin/nologin' >> /etc/passwd; }",
    );
    const scratch = join(this.tmp, `scratch-${spec.name}`);
    mkdirSync(scratch, { recursive: true });
    const conf = join(this.dir, `sshd-${spec.name}.conf`);
    writeFileSync(
      conf,
      [
        `ListenAddress ${address}:22`,
        `HostKey ${join(this.dir, "host")}`,
        `AuthorizedKeysFile ${join(this.dir, "authorized_keys")}`,
        "PermitRootLogin prohibit-password",
        "PasswordAuthentication no",
        "KbdInteractiveAuthentication no",
        "UsePAM no",
        "StrictModes no",
        "PidFile none",
        "MaxStartups 100",
        "MaxSessions 100",
        "LogLevel ERROR",
        `SetEnv TMPDIR=${scratch}${bin ? ` PATH=${bin}:${PATH}` : ""}${env.map((e) => ` ${e}`).join("")}`,
        "",
      ].join("\n"),
    );
    const log = join(this.tmp, `sshd-${spec.name}.log`);
    this.topo.must(
      spec.name,
      shWords([
        "systemd-run",
        "-q",
        "--unit=test-sshd",
        "-p",
        `StandardOutput=append:${log}`,
        "-p",
        `StandardError=append:${log}`,
        this.sshd,
        "-D",
        "-e",
        "-f",
        conf,
      ]),
    );
    this.hosts.push(spec.name);
  }

  /** Waits until every sshd accepts a connection from the controller (bounded: 10 s a host). */
  waitReady(addresses: string[]): void {
    for (const a of addresses) {
      const r = this.topo.sh("ctl", `for i in $(seq 1 50); do timeout 1 bash -c '</dev/tcp/${a}/22' 2>/dev/null && exit 0; sleep 0.2; done; exit 1`, 15_000);
      if (r.code !== 0) throw new Error(`sshd on ${a} did not answer`);
    }
  }

  /** ansible-playbook on the controller over ssh; the scratch folders must be empty afterwards. */
  play(outSite: string, book: string, args: string[] = [], timeoutMs = 900_000): FleetRun {
    const env = [
      "ANSIBLE_NOCOLOR=1",
      "ANSIBLE_RETRY_FILES_ENABLED=0",
      "ANSIBLE_HOST_KEY_CHECKING=0",
      "ANSIBLE_PIPELINING=1",
      "ANSIBLE_PYTHON_INTERPRETER=/usr/bin/python3",
      "ANSIBLE_REMOTE_USER=root",
      `ANSIBLE_PRIVATE_KEY_FILE=${join(this.dir, "client")}`,
      `ANSIBLE_SSH_CONTROL_PATH_DIR=${join(this.dir, "cp")}`,
      "ANSIBLE_SSH_TRANSFER_METHOD=piped",
      // ServerAlive as the generated ansible.cfg has it: a lost session is given up within 15 s
      "ANSIBLE_SSH_ARGS=-o ControlMaster=auto -o ControlPersist=30s -o ServerAliveInterval=5 -o ServerAliveCountMax=3" +
        " -o UserKnownHostsFile=/dev/null -o IdentitiesOnly=yes -o LogLevel=ERROR",
      `ANSIBLE_LOCAL_TEMP=${join(this.tmp, "ansible-local")}`,
      `ANSIBLE_REMOTE_TEMP=${join(this.tmp, "ansible-remote")}`,
      // follow a long run as it goes: tail -f <tmp>/ansible.log
      `ANSIBLE_LOG_PATH=${join(this.tmp, "ansible.log")}`,
    ];
    // the generated ansible.cfg, as from its folder (README): it points roles_path at the engine's role; env wins over it
    const argv = [
      "env",
      ...env,
      `ANSIBLE_CONFIG=${join(outSite, "ansible/ansible.cfg")}`,
      "ansible-playbook",
      "-i",
      join(outSite, "ansible/inventory.yml"),
      join(outSite, "ansible", book),
      ...args,
    ];
    const t0 = performance.now();
    const r = this.topo.sh("ctl", shWords(argv), timeoutMs);
    const seconds = (performance.now() - t0) / 1000;
    for (const h of this.hosts) {
      const left = readdirSync(join(this.tmp, `scratch-${h}`));
      if (left.length) throw new Error(`scratch left behind on ${h}: ${left.join(", ")}\n${r.stdout}`);
    }
    return { ...r, seconds, recaps: recaps(r.stdout) };
  }
}
