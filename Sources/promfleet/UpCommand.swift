import ArgumentParser
import Fleet
import Foundation

/// `promfleet up TOPOLOGY`: the local fleet controller (Sources/Fleet/FleetController.swift).
struct UpCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "up",
        abstract: "Render a topology, record it in the catalog, and run and supervise every member locally.",
        discussion: """
            Members run as child processes of this executable (`promfleet replica …`, the exporter, \
            federators, the router when this promfleet has it), each logging to <data_dir>/<member>/member.log. \
            A crashed member restarts with back-off (1s, 2s, 4s … 30s). Ctrl-C (SIGINT) or SIGTERM stops them all.
            Running `up` again while a controller runs the same data dir hands the (changed) topology to it: \
            added members start, removed ones stop, the others reload; this command prints what changed and exits.
            """
    )
    @Argument(help: "Topology file (see docs/topologies.md).") var topology: String
    @Option(name: .customLong("member-executable"),
            help: ArgumentHelp("Run members with this promfleet executable instead of this one.", visibility: .hidden))
    var memberExecutable: String?

    func run() async throws {
        let t = try Topology.load(path: topology)
        let files = ControllerFiles(dataDir: t.dataDir)
        if let pid = files.runningController() {
            let absolute = topology.hasPrefix("/") ? topology
                : FileManager.default.currentDirectoryPath + "/" + topology
            print("a controller (pid \(pid)) runs fleet \(t.fleet) in \(t.dataDir): handing it \(topology)")
            guard let reply = try files.handOver(topologyPath: absolute, to: pid) else {
                throw UpError("the controller (pid \(pid)) did not answer within 30s")
            }
            print(reply.text)
            if !reply.ok { throw ExitCode(1) }
            return
        }
        var subcommands = Set(Promfleet.configuration.subcommands.compactMap { $0.configuration.commandName })
        if let memberExecutable {
            guard FileManager.default.isExecutableFile(atPath: memberExecutable) else {
                throw UpError("--member-executable: \(memberExecutable) is not an executable file")
            }
            subcommands = try Self.subcommands(of: memberExecutable)
        }
        guard subcommands.contains("replica") else {
            throw UpError("this promfleet has no `replica` subcommand: it cannot run a fleet's members")
        }
        var options = FleetController.Options(executable: memberExecutable ?? ChildProcess.currentExecutable(),
                                              subcommands: subcommands)
        // Unbuffered, so event lines reach a log file or pipe as they happen.
        // A closed stdout must not stop the controller (SIGPIPE is ignored in `run`).
        options.output = { try? FileHandle.standardOutput.write(contentsOf: Data(($0 + "\n").utf8)) }
        let controller = try FleetController(topology: t, options: options)
        let code = await controller.run()
        if code != 0 { throw ExitCode(code) }
    }

    /// The subcommands another promfleet executable lists under SUBCOMMANDS in its `--help`.
    static func subcommands(of executable: String) throws -> Set<String> {
        let p = Process()
        p.executableURL = URL(fileURLWithPath: executable)
        p.arguments = ["--help"]
        let pipe = Pipe()
        p.standardOutput = pipe
        try p.run()
        let help = String(decoding: pipe.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        p.waitUntilExit()
        return ProcessPlanner.subcommands(fromHelp: help)
    }
}

struct UpError: Error, CustomStringConvertible {
    var description: String
    init(_ description: String) { self.description = description }
}
