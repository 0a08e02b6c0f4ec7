import Foundation

/// Finds the catalog a command should read: `--catalog FILE`, else the topology's
/// `<data_dir>/catalog.sqlite`, else `./data/<fleet>/catalog.sqlite` for `--fleet`, else the only
/// `./data/*/catalog.sqlite` under the current directory (where `up` puts it by default).
public enum CatalogLocation {
    public enum Failure: Error, Equatable, CustomStringConvertible {
        case notFound(String)
        case ambiguous([String])

        public var description: String {
            switch self {
            case .notFound(let path):
                "no catalog at \(path): run `promfleet up` (or `promfleet catalog apply`) first, or pass --catalog FILE"
            case .ambiguous(let paths):
                "several catalogs found (\(paths.joined(separator: ", "))): pass --fleet NAME or --catalog FILE"
            }
        }
    }

    public static func resolve(catalog: String?, topology: String?, fleet: String?,
                               in directory: String = FileManager.default.currentDirectoryPath) throws -> String {
        let fm = FileManager.default
        func existing(_ path: String) throws -> String {
            let full = path.hasPrefix("/") ? path : URL(fileURLWithPath: directory).appendingPathComponent(path).path
            guard fm.fileExists(atPath: full) else { throw Failure.notFound(path) }
            return path
        }
        if let catalog { return try existing(catalog) }
        if let topology { return try existing(try Topology.load(path: topology).catalogPath) }
        if let fleet { return try existing(FleetPaths.defaultCatalog(fleet: fleet)) }
        let dataDir = URL(fileURLWithPath: directory).appendingPathComponent("data")
        let found = ((try? fm.contentsOfDirectory(atPath: dataDir.path)) ?? []).sorted()
            .map { "./data/\($0)/\(FleetPaths.catalogFileName)" }
            .filter { fm.fileExists(atPath: URL(fileURLWithPath: directory).appendingPathComponent($0).path) }
        switch found.count {
        case 0: throw Failure.notFound("./data/*/\(FleetPaths.catalogFileName)")
        case 1: return found[0]
        default: throw Failure.ambiguous(found)
        }
    }
}
