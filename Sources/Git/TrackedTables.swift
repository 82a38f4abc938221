import Platform

/// Step 1 of the working-tree snapshot: tables of the index's tracked paths (the files that
/// may be candidates, and gitlinks) and of every directory holding one; the candidate entries
/// chained by directory (`dirFirst`, `next`), with their paths and where their names start.
/// The tables hold pointers into the `CachedIndex`, which must outlive them.
struct TrackedTables {
    var paths: PathTable
    var pathIsGitlink: [Bool] = []
    var dirs: PathTable
    var dirFirst: [Int32] = []
    /// Per candidate: its index entry (a conflict's first stage), path bytes, name, name offset,
    /// and the next candidate of its directory (-1: none).
    var candidates: [Int] = []
    var candidatePaths: [UnsafePointer<UInt8>] = []
    var candidateNames: [String] = []
    var nameOffsets: [Int] = []
    var next: [Int32] = []

    init(_ index: CachedIndex, extensions: ExtensionFilter, isCandidate: (String) -> Bool) {
        let count = index.entries.count
        paths = PathTable(expectedCount: count)
        pathIsGitlink.reserveCapacity(count)
        dirs = PathTable(expectedCount: count / 4 + 16)
        dirs.insert(Repository.emptyKey, 0)  // the root
        dirFirst.append(-1)
        var lastDir = (start: UnsafePointer<UInt8>?.none, length: -1, id: 0)

        for (i, e) in index.entries.enumerated() {
            let bytes = e.path
            let length = e.pathLength
            // The walk only looks up files that may be candidates, and directories.
            let isGitlink = e.mode == modeGitlink
            let mayBeCandidate = extensions.mayAdmit(bytes, length)
            var isNewPath = i == 0 || !Repository.samePath(index.entries[i - 1], e)
            if isNewPath && (mayBeCandidate || isGitlink) {
                isNewPath = paths.insert(bytes, length).inserted
                if isNewPath { pathIsGitlink.append(isGitlink) }
            }

            // Its directory, and the directories above it.
            var slashAt = length - 1
            while slashAt >= 0 && bytes[slashAt] != slash { slashAt -= 1 }
            let dirLength = max(slashAt, 0)
            let dirID: Int
            // Safe: both paths are at least `dirLength` bytes long (a directory prefix of each).
            if dirLength == lastDir.length, let start = lastDir.start, Bytes.equal(start, bytes, count: dirLength) {
                dirID = lastDir.id
            } else {
                let (id, isNew) = dirs.insert(bytes, dirLength)
                if isNew {
                    dirFirst.append(-1)
                    var end = dirLength - 1
                    while true {
                        while end >= 0 && bytes[end] != slash { end -= 1 }
                        if end < 0 { break }
                        guard dirs.insert(bytes, end).inserted else { break }
                        dirFirst.append(-1)
                        end -= 1
                    }
                }
                dirID = id
                lastDir = (bytes, dirLength, id)
            }

            guard isNewPath, mayBeCandidate else { continue }  // not a candidate, or a conflict's later stages
            let path = GitPath.decode(UnsafeBufferPointer(start: bytes, count: length))
            guard isCandidate(path) else { continue }
            candidates.append(i)
            candidatePaths.append(bytes)
            candidateNames.append(path)
            nameOffsets.append(slashAt + 1)
            next.append(dirFirst[dirID])
            dirFirst[dirID] = Int32(next.count - 1)
        }
    }
}
