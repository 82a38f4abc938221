import CodesearchCLI

// `codesearch`: every command, without the network stack (see `NetworkLink`). A command that
// needs it runs again in `codesearch-net`, installed beside this executable.
await Codesearch.runCommandLine()
