import CodesearchCLI
import CodesearchKit
import NetworkKit

// `codesearch-net`: the same commands as `codesearch`, linked with the network stack, which
// `codesearch` runs in its place for a command that needs it: an API provider, `serve`,
// a model download. Set before any command runs (`NetworkLink.features`).
NetworkLink.features = LinkedNetwork()
await Codesearch.runCommandLine()
