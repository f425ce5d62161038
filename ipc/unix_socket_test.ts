import assert from "node:assert/strict";
import { UnixPacketListener, UnixPacketSocket } from "./unix_socket.ts";
import { libc } from "./libc.ts";

const text = (s: string) => new TextEncoder().encode(s);

Deno.test("a descriptor passed over a socket pair writes to the same open file", async () => {
  const path = await Deno.makeTempFile();
  const [a, b] = UnixPacketSocket.pair();
  const lib = libc()!;
  const fd = lib.open(text(`${path}\0`), 0o2000001 | 0o2000); // O_WRONLY|O_CLOEXEC|O_APPEND
  try {
    a.send(text("take this"), [fd]);
    const p = await b.receive();
    assert.equal(new TextDecoder().decode(p!.data), "take this");
    assert.equal(p!.fds.length, 1);
    assert.notEqual(p!.fds[0], fd, "a new descriptor in the receiver's table");
    const data = text("written through the passed descriptor\n");
    const ptr = Deno.UnsafePointer.of(data);
    const write = Deno.dlopen("libc.so.6", {
      write: { parameters: ["i32", "pointer", "usize"], result: "isize" },
    });
    assert.equal(Number(write.symbols.write(p!.fds[0], ptr, BigInt(data.length))), data.length);
    write.close();
    lib.close(p!.fds[0]);
    assert.equal(await Deno.readTextFile(path), "written through the passed descriptor\n");
  } finally {
    lib.close(fd);
    a.close();
    b.close();
    await Deno.remove(path);
  }
});

Deno.test("packets keep their boundaries; an oversized one is refused; close ends receive", async () => {
  const [a, b] = UnixPacketSocket.pair();
  a.send(text("one"));
  a.send(text("two"));
  assert.equal(new TextDecoder().decode((await b.receive())!.data), "one");
  assert.equal(new TextDecoder().decode((await b.receive())!.data), "two");
  a.send(new Uint8Array(100));
  await assert.rejects(() => b.receive(10), /over 10 bytes/);
  const pending = b.receive();
  a.close();
  assert.equal(await pending, null, "the peer's close wakes a waiting receive");
  b.close();
});

Deno.test("a listener accepts connections; connect to nothing says so; close wakes accept", async () => {
  const dir = await Deno.makeTempDir();
  const path = `${dir}/s.sock`;
  assert.throws(() => UnixPacketSocket.connect(path), Deno.errors.NotFound);
  const listener = UnixPacketListener.listen(path);
  try {
    assert.equal((Deno.statSync(path).mode ?? 0) & 0o777, 0o600);
    assert.throws(() => UnixPacketListener.listen(path), Deno.errors.AddrInUse);
    const accepted = listener.accept();
    const client = UnixPacketSocket.connect(path);
    const server = (await accepted)!;
    client.send(text("hi"));
    assert.equal(new TextDecoder().decode((await server.receive())!.data), "hi");
    client.close();
    server.close();
    const waiting = listener.accept();
    listener.close();
    assert.equal(await waiting, null);
  } finally {
    listener.close();
    await Deno.remove(dir, { recursive: true });
  }
});
