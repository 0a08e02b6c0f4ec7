import Foundation

/// The `process_*` metrics Prometheus's client library exports, read from /proc (Linux).
public struct ProcessMetrics: MetricsCollector {
    public init() {}

    /// utime+stime in seconds, RSS bytes and start time (Unix seconds) of a process.
    public struct Stat: Sendable {
        public var cpuSeconds: Double
        public var residentBytes: Double
        public var virtualBytes: Double
        public var startTime: Double
    }

    static let ticks = Double(sysconf(Int32(_SC_CLK_TCK)))
    static let pageSize = Double(sysconf(Int32(_SC_PAGESIZE)))

    /// Reads /proc/<pid>/stat; nil when unreadable.
    public static func stat(pid: String = "self") -> Stat? {
        guard let s = try? String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8),
              let close = s.lastIndex(of: ")") else { return nil }
        let f = s[s.index(after: close)...].split(separator: " ")
        // after ")": state(0) ppid(1) … utime(11) stime(12) … starttime(19) vsize(20) rss(21)
        guard f.count > 21, let ut = Double(f[11]), let st = Double(f[12]), let start = Double(f[19]),
              let vsize = Double(f[20]), let rss = Double(f[21]) else { return nil }
        return Stat(cpuSeconds: (ut + st) / ticks, residentBytes: rss * pageSize, virtualBytes: vsize,
                    startTime: bootTime + start / ticks)
    }

    static let bootTime: Double = {
        guard let s = try? String(contentsOfFile: "/proc/stat", encoding: .utf8) else { return 0 }
        for line in s.split(separator: "\n") where line.hasPrefix("btime ") {
            return Double(line.dropFirst(6).trimmingCharacters(in: .whitespaces)) ?? 0
        }
        return 0
    }()

    public func collect(into w: inout MetricsTextWriter) {
        guard let st = Self.stat() else { return }
        w.family("process_cpu_seconds_total", help: "Total user and system CPU time spent in seconds.", type: "counter")
        w.sample("process_cpu_seconds_total", st.cpuSeconds)
        let fds = (try? FileManager.default.contentsOfDirectory(atPath: "/proc/self/fd").count) ?? 0
        var lim = rlimit()
        getrlimit(Int32(RLIMIT_NOFILE.rawValue), &lim)
        w.family("process_max_fds", help: "Maximum number of open file descriptors.", type: "gauge")
        w.sample("process_max_fds", Double(lim.rlim_cur))
        w.family("process_open_fds", help: "Number of open file descriptors.", type: "gauge")
        w.sample("process_open_fds", Double(fds))
        w.family("process_resident_memory_bytes", help: "Resident memory size in bytes.", type: "gauge")
        w.sample("process_resident_memory_bytes", st.residentBytes)
        w.family("process_start_time_seconds", help: "Start time of the process since unix epoch in seconds.", type: "gauge")
        w.sample("process_start_time_seconds", st.startTime)
        w.family("process_virtual_memory_bytes", help: "Virtual memory size in bytes.", type: "gauge")
        w.sample("process_virtual_memory_bytes", st.virtualBytes)
    }
}
