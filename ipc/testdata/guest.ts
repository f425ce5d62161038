// A guest host process for the IPC tests and benchmark: joins through its stdin pipe and answers
// USER messages ({op, ...}) from the test. Never writes to stdout (that is its link).
//
// Owns: nothing beyond this test process. Usage: deno run -A guest.ts [pgid]
import {
  Code,
  Errno,
  fileLockSet,
  joinFromParent,
  KillKind,
  type LockRequest,
  MetaKind,
  type PidKill,
  sendChildExit,
} from "../mod.ts";
import { expectInt, expectRecord } from "../payload.ts";

const pgid = Number(Deno.args[0] ?? "0");
const notes = new Map<number, number[]>();
const broadcasts = new Map<number, number[]>();
const signals: PidKill[] = [];

function record(into: Map<number, number[]>, from: number, n: number): void {
  const list = into.get(from) ?? [];
  list.push(n);
  into.set(from, list);
}

async function run(peers: number[], count: number) {
  let echoes = 0;
  for (let i = 0; i < count; i++) {
    const reply = await worker.request(worker.leaderVmid, Code.ECHO, { from: worker.vmid, i });
    if (expectRecord(reply, "echo").i !== i) throw new Error(`Echo ${i} came back wrong`);
    echoes++;
  }
  const others = peers.filter((vmid) => vmid !== worker.vmid);
  for (const peer of others) {
    for (let n = 0; n < count; n++) {
      await worker.send(peer, Code.USER, { op: "note", from: worker.vmid, n });
    }
  }
  const pings = await Promise.all(
    others.flatMap((peer) =>
      Array.from(
        { length: count },
        (_, n) =>
          worker.request(peer, Code.USER, { op: "ping", n }).then((reply) => {
            const answer = expectRecord(reply, "ping");
            if (answer.n !== n || answer.vmid !== peer) {
              throw new Error(`Ping ${n} to ${peer} came back wrong`);
            }
          }),
      )
    ),
  );
  const fanouts = await Promise.all(
    Array.from(
      { length: count },
      (_, n) => worker.broadcast(Code.USER, { op: "broadcast", from: worker.vmid, n }),
    ),
  );
  return { echoes, pings: pings.length, fanouts: fanouts.reduce((sum, value) => sum + value, 0) };
}

function onUserMessage(payload: unknown, source: number): unknown {
  const message = expectRecord(payload, "USER");
  switch (message.op) {
    case "ping":
      return { vmid: worker.vmid, n: message.n, source };
    case "hang":
      return new Promise(() => {});
    case "note":
      record(notes, expectInt(message.from, "from"), expectInt(message.n, "n"));
      return null;
    case "broadcast":
      record(broadcasts, expectInt(message.from, "from"), expectInt(message.n, "n"));
      return null;
    case "run":
      return run(message.peers as number[], expectInt(message.count, "count"));
    case "report":
      return {
        notes: Object.fromEntries(notes),
        broadcasts: Object.fromEntries(broadcasts),
        signals,
      };
    case "lock":
      return fileLockSet(
        worker,
        String(message.path),
        message.request as LockRequest,
        message.wait === true,
      );
    case "exit":
      return sendChildExit(worker, { exitcode: expectInt(message.code, "code", 0, 255) })
        .then(() => Deno.exit(expectInt(message.code, "code", 0, 255)));
    case "request":
      return worker.request(expectInt(message.to, "to"), message.code as Code, message.payload, {
        timeoutMs: 5000,
      });
    default:
      throw new TypeError(`Unknown test op ${String(message.op)}`);
  }
}

const worker = await joinFromParent({
  hooks: {
    onUserMessage,
    onKill(request) {
      const mine = request.kind === KillKind.ProcessGroup
        ? request.id === pgid
        : request.kind === KillKind.All
        ? true
        : request.pid === worker.pid;
      if (!mine) return -Errno.ESRCH;
      signals.push(request);
      return 0;
    },
    getProcessMeta(pid, kind) {
      if (pid !== worker.pid) return null;
      if (kind === MetaKind.Credentials) return { uid: 1000, gid: 1000, euid: 1000, egid: 100 };
      return kind === MetaKind.Executable ? "/bin/guest" : kind === MetaKind.Cwd ? "/home" : "/";
    },
    onParentLost: () => Deno.exit(0),
    onError: (error, vmid) => console.error(`guest ${worker.vmid}: from ${vmid}: ${error.message}`),
  },
});
