/// What a running controller must do to move from one topology's processes to another's.
public struct FleetChange: Sendable, Equatable {
    /// New processes to start.
    public var start: [String] = []
    /// Processes the new topology no longer has: stop them.
    public var stop: [String] = []
    /// Same process, new command line (address, flags): stop and start again.
    public var restart: [String] = []
    /// Same command line, changed config files: `POST /-/reload` (restart if not reloadable).
    public var reload: [String] = []
    /// Processes left as they are.
    public var unchanged: [String] = []

    public init(start: [String] = [], stop: [String] = [], restart: [String] = [], reload: [String] = [],
                unchanged: [String] = []) {
        self.start = start
        self.stop = stop
        self.restart = restart
        self.reload = reload
        self.unchanged = unchanged
    }

    public var isEmpty: Bool { start.isEmpty && stop.isEmpty && restart.isEmpty && reload.isEmpty }

    /// Compares two plans. `oldFiles`/`newFiles` are the rendered files by process name (members
    /// only; the exporter has none).
    public static func between(old: [ProcessSpec], oldFiles: [String: [RenderedFile]],
                               new: [ProcessSpec], newFiles: [String: [RenderedFile]]) -> FleetChange {
        var change = FleetChange()
        let oldByName = Dictionary(old.map { ($0.name, $0) }, uniquingKeysWith: { a, _ in a })
        let newNames = Set(new.map(\.name))
        for p in new {
            guard let before = oldByName[p.name] else {
                change.start.append(p.name)
                continue
            }
            if before.arguments != p.arguments || before.address != p.address || before.kind != p.kind {
                change.restart.append(p.name)
            } else if (oldFiles[p.name] ?? []) != (newFiles[p.name] ?? []) {
                if p.reloadable { change.reload.append(p.name) } else { change.restart.append(p.name) }
            } else {
                change.unchanged.append(p.name)
            }
        }
        change.stop = old.map(\.name).filter { !newNames.contains($0) }
        return change
    }

    /// One line per kind of change: `start shard-2-a, shard-2-b; reload shard-0-a, …`.
    public var summary: String {
        let parts = [("start", start), ("stop", stop), ("restart", restart), ("reload", reload)]
            .filter { !$0.1.isEmpty }.map { "\($0.0) \($0.1.joined(separator: ", "))" }
        return parts.isEmpty ? "no change" : parts.joined(separator: "; ")
    }
}
