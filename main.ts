// supervisor's entry point. A guest host (`__guest`, started by the supervisor, never by a user)
// loads only the guest host's modules; every other command loads the command line (cli.ts). The
// two module graphs are kept apart because hosts start often (fork's pool, every process of a
// restore) and each module, and each node: module above all, adds to a host's start-up.

if (import.meta.main) {
  let status: number;
  if (Deno.args[0] === "__guest") {
    try {
      const { guestHostMain } = await import("./runtime/host/guest_host.ts");
      status = await guestHostMain();
    } catch (e) {
      console.error(`supervisor: internal error: ${e instanceof Error ? e.stack : e}`);
      status = 70;
    }
  } else {
    const { cli } = await import("./cli.ts");
    status = await cli(Deno.args);
  }
  Deno.exit(status);
}
