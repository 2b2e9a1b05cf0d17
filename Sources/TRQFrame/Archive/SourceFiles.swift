#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// One file to read: on disk, gzip-compressed (`.gz`, decompressed when opened) or an entry of
/// a zip archive. `name` is what errors show (`archive.zip/entry.json` for an entry).
struct SourceFile {
    let name: String
    private let opener: () throws(CSVError) -> InputBuffer

    init(name: String, opener: @escaping () throws(CSVError) -> InputBuffer) {
        self.name = name
        self.opener = opener
    }

    func open() throws(CSVError) -> InputBuffer { try opener() }

    /// The name without `.gz`, whose extension tells the format.
    var innerName: String {
        name.lowercased().hasSuffix(".gz") ? String(name.dropLast(3)) : name
    }

    static func onDisk(_ path: String) -> SourceFile {
        SourceFile(name: path) { () throws(CSVError) -> InputBuffer in
            let file = try InputBuffer(path: path)
            return path.lowercased().hasSuffix(".gz") ? try Inflate.gunzip(file.bytes, name: path) : file
        }
    }

    /// The files a pattern names. A path part ending in `.zip/` reaches inside the archive: the
    /// rest is a glob over its entries' names (without `/`, it may match just the file name,
    /// whatever folder the entry is in). A `.zip` path alone gives the entries `choose` picks.
    /// A folder path (or a `.zip` path alone) gives the files `choose` picks among the names of
    /// the files below it (or the archive's entries).
    static func expand(_ pattern: String, choose: ([String], String) throws(CSVError) -> [Int]) throws(CSVError) -> [SourceFile] {
        if let split = archiveSplit(pattern) {
            let archivePattern = split.archive
            let inner = split.inner
            var files: [SourceFile] = []
            for path in try CSVReader.expandGlob(archivePattern) {
                let archive = try ZipArchive(path: path)
                let chosen = archive.entries.filter { matches(inner, $0.name) }
                files += chosen.map { entry(archive, $0) }
            }
            guard !files.isEmpty else {
                throw CSVError(file: pattern, message: "no files in the archive match",
                               hint: "`*` does not match `/`; a pattern without `/` matches file names in any folder")
            }
            return files
        }
        var files: [SourceFile] = []
        for path in try CSVReader.expandGlob(pattern) {
            if path.lowercased().hasSuffix(".zip") {
                let archive = try ZipArchive(path: path)
                files += try choose(archive.entries.map(\.name), path).map { entry(archive, archive.entries[$0]) }
            } else if isFolder(path) {
                let names = filesBelow(path)
                files += try choose(names, path).map { onDisk(path + "/" + names[$0]) }
            } else {
                files.append(onDisk(path))
            }
        }
        return files
    }

    private static func entry(_ archive: ZipArchive, _ entry: ZipArchive.Entry) -> SourceFile {
        SourceFile(name: archive.path + "/" + entry.name) { () throws(CSVError) -> InputBuffer in
            let file = try archive.open(entry)
            return entry.name.lowercased().hasSuffix(".gz") ? try Inflate.gunzip(file.bytes, name: archive.path + "/" + entry.name) : file
        }
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

    static func isFolder(_ path: String) -> Bool {
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

    static func matches(_ pattern: String, _ name: String) -> Bool {
        if fnmatch(pattern, name, FNM_PATHNAME) == 0 { return true }
        guard !pattern.contains("/") else { return false }
        let base = name.split(separator: "/").last.map(String.init) ?? name
        return fnmatch(pattern, base, FNM_PATHNAME) == 0
    }
}
