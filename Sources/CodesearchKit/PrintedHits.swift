import Printers
import Search

extension Workspace {
    /// Hits as the printers take them, with up to `contextLines` lines of each unit's
    /// source from its declaration on, read from the unit's blob (so a hit shows the
    /// version that was indexed, even if the file changed since).
    public func printed(_ hits: [SearchHit], contextLines: Int = 0) -> [PrintedHit] {
        hits.map { hit in
            let span = hit.function.span
            let last = min(span.lastLine, span.declarationLine + contextLines - 1)
            return PrintedHit(path: hit.path, name: span.name, qualifiedName: span.qualifiedName, kind: span.kind.rawValue,
                              language: hit.function.language, signature: span.signature, line: span.declarationLine,
                              column: span.declarationColumn, lastLine: span.lastLine, score: hit.score,
                              blob: hit.function.blobID.hex,
                              context: contextLines > 0 ? lines(of: hit, from: span.declarationLine, through: last) : [])
        }
    }
}
