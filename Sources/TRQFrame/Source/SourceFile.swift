#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// One file a `load` reads: on disk, gzip-compressed (`.gz`, decompressed when opened) or an
/// entry of a zip archive.
public struct SourceFile: Sendable {
    /// What errors show: the path, or `archive.zip/entry.json` for an entry.
    public let name: String
    /// The path, when the file's bytes are read straight from disk (not compressed, not in an
    /// archive), so a format may map it and read it in parallel itself.
    public let diskPath: String?
    /// The part of the name below the folder, archive or glob prefix loaded, where Hive
    /// `key=value` folders count (see `Partitions`).
    public let relative: String
    /// The path on disk of what holds the file: itself, the `.gz` file or the zip archive.
    public let container: String
    /// The file's size once decompressed, when known without decompressing it.
    public let size: Int?
    private let opener: @Sendable () throws(SourceError) -> InputBuffer

    init(name: String, diskPath: String?, relative: String, container: String, size: Int?,
         opener: @escaping @Sendable () throws(SourceError) -> InputBuffer) {
        self.name = name
        self.diskPath = diskPath
        self.relative = relative
        self.container = container
        self.size = size
        self.opener = opener
    }

    /// The whole file's bytes, decompressed.
    public func open() throws(SourceError) -> InputBuffer { try opener() }

    /// The size of what holds the file on disk and when it last changed, to tell whether it
    /// changed since it was last read; nil when it cannot be found.
    public var version: [Int]? {
        var info = stat()
        guard stat(container, &info) == 0 else { return nil }
        #if canImport(Glibc)
        let changed = info.st_mtim
        #else
        let changed = info.st_mtimespec
        #endif
        return [Int(info.st_size), Int(changed.tv_sec), Int(changed.tv_nsec)]
    }

    /// The name without `.gz`, whose extension tells the format.
    public var innerName: String {
        name.lowercased().hasSuffix(".gz") ? String(name.dropLast(3)) : name
    }

    /// A file on disk (decompressed when it ends in `.gz`).
    public static func onDisk(_ path: String, relative: String = "") -> SourceFile {
        let compressed = path.lowercased().hasSuffix(".gz")
        var info = stat()
        let size = !compressed && stat(path, &info) == 0 ? Int(info.st_size) : nil
        return SourceFile(name: path, diskPath: compressed ? nil : path, relative: relative, container: path, size: size) { () throws(SourceError) -> InputBuffer in
            let file = try InputBuffer(path: path)
            return compressed ? try Inflate.gunzip(file.bytes, name: path) : file
        }
    }

    /// The files a pattern names: a path, a glob (see `SourceFiles.expandGlob`), a folder or a
    /// zip archive. A path part ending in `.zip/` reaches inside the archive: the rest is a glob
    /// over its entries' names (without `/`, it may match just the file name, whatever folder
    /// the entry is in). A folder or a `.zip` path alone gives the files `choose` picks among
    /// the names below it (hidden files and those starting with `_`, such as Spark's
    /// `_SUCCESS`, left out).
    public static func expand(_ pattern: String, choose: ([String], String) throws(SourceError) -> [Int]) throws(SourceError) -> [SourceFile] {
        if let split = archiveSplit(pattern) {
            var files: [SourceFile] = []
            for path in try SourceFiles.expandGlob(split.archive) {
                let archive = try ZipArchive(path: path)
                files += archive.entries.filter { matches(split.inner, $0.name) }.map { entry(archive, $0) }
            }
            guard !files.isEmpty else {
                throw SourceError(file: pattern, message: "no files in the archive match",
                                  hint: "`*` does not match `/`; a pattern without `/` matches file names in any folder")
            }
            return files
        }
        let wildcard = pattern.firstIndex { "*?[{".contains($0) }
        let fixed = wildcard.map { String(pattern[..<$0]) } ?? ""
        let globBase = fixed.lastIndex(of: "/").map { fixed[...$0].count } ?? 0
        var files: [SourceFile] = []
        for path in try SourceFiles.expandGlob(pattern) {
            if path.lowercased().hasSuffix(".zip") {
                let archive = try ZipArchive(path: path)
                let entries = archive.entries.filter { !isHidden($0.name) }
                files += try choose(entries.map(\.name), path).map { entry(archive, entries[$0]) }
            } else if isFolder(path) {
                let names = filesBelow(path).filter { !isHidden($0) }.sorted()
                let folder = path.hasSuffix("/") ? String(path.dropLast()) : path
                files += try choose(names, path).map { onDisk(folder + "/" + names[$0], relative: names[$0]) }
            } else {
                files.append(onDisk(path, relative: wildcard == nil ? "" : String(path.dropFirst(globBase))))
            }
        }
        return files
    }

    private static func entry(_ archive: ZipArchive, _ entry: ZipArchive.Entry) -> SourceFile {
        let name = archive.path + "/" + entry.name
        let compressed = entry.name.lowercased().hasSuffix(".gz")
        return SourceFile(name: name, diskPath: nil, relative: entry.name, container: archive.path,
                          size: compressed ? nil : entry.size) { () throws(SourceError) -> InputBuffer in
            let file = try archive.open(entry)
            return compressed ? try Inflate.gunzip(file.bytes, name: name) : file
        }
    }

    private static func isHidden(_ relative: String) -> Bool {
        relative.split(separator: "/").contains { $0.hasPrefix(".") || $0.hasPrefix("_") }
    }

    /// `a/b.zip/c/*.json` -> (`a/b.zip`, `c/*.json`), at the first `.zip/` in any letter case.
    static func archiveSplit(_ pattern: String) -> (archive: String, inner: String)? {
        let bytes = Array(pattern.utf8)
        let marker = Array(".zip/".utf8)
        guard bytes.count > marker.count else { return nil }
        for i in 0...(bytes.count &- marker.count) where (0..<marker.count).allSatisfy({ bytes[i &+ $0] | 0x20 == marker[$0] | 0x20 }) {
            return (String(decoding: bytes[..<(i &+ 4)], as: UTF8.self), String(decoding: bytes[(i &+ 5)...], as: UTF8.self))
        }
        return nil
    }

    public static func isFolder(_ path: String) -> Bool {
        var info = stat()
        return stat(path, &info) == 0 && info.st_mode & S_IFMT == S_IFDIR
    }

    /// Paths (relative to `folder`) of the regular files below it, at any depth.
    static func filesBelow(_ folder: String, prefix: String = "") -> [String] {
        guard let dir = opendir(folder + (prefix.isEmpty ? "" : "/" + prefix)) else { return [] }
        defer { closedir(dir) }
        var names: [String] = []
        while let entry = readdir(dir) {
            let name = withUnsafeBytes(of: entry.pointee.d_name) { String(decoding: $0.prefix { $0 != 0 }, as: UTF8.self) }
            if name == "." || name == ".." { continue }
            let relative = prefix.isEmpty ? name : prefix + "/" + name
            if isFolder(folder + "/" + relative) {
                names += filesBelow(folder, prefix: relative)
            } else {
                names.append(relative)
            }
        }
        return names
    }

    /// Whether an archive entry or a file below a folder matches a glob: by its whole relative
    /// name, or by its file name when the pattern has no `/`.
    public static func matches(_ pattern: String, _ name: String) -> Bool {
        if fnmatch(pattern, name, FNM_PATHNAME) == 0 { return true }
        guard !pattern.contains("/") else { return false }
        let base = name.split(separator: "/").last.map(String.init) ?? name
        return fnmatch(pattern, base, FNM_PATHNAME) == 0
    }
}
