import ServiceLifecycle
import Synchronization
import UnixSignals

/// A late-bound reload closure: a server's API (POST /-/reload) is built before the server object
/// that implements the reload is complete.
public final class ReloadHook: Sendable {
    private let fn = Mutex<(@Sendable () throws -> Void)?>(nil)

    public init() {}

    public func set(_ f: @escaping @Sendable () throws -> Void) { fn.withLock { $0 = f } }

    public func call() throws {
        let f = fn.withLock { $0 }
        try f?()
    }
}

/// SIGHUP → reload, as Prometheus does. The reload logs its own errors; the running config stays.
public struct HangupReloadService: Service {
    let reload: @Sendable () throws -> Void

    public init(_ reload: @escaping @Sendable () throws -> Void) { self.reload = reload }

    public func run() async throws {
        let signals = await UnixSignalsSequence(trapping: .sighup)
        await cancelWhenGracefulShutdown {
            for await _ in signals {
                try? reload()
            }
        }
    }
}
