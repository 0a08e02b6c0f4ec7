import Catalog
import Fleet
import Testing

/// The supervision state machine, driven without processes or clocks.
struct MemberSupervisorTests {
    @Test(arguments: [(1, 1000), (2, 2000), (3, 4000), (4, 8000), (5, 16_000), (6, 30_000), (7, 30_000), (40, 30_000)])
    func backoffDoublesAndCaps(failures: Int, expected: Int64) {
        #expect(BackoffPolicy().delay(failures: failures) == expected)
    }

    @Test func startThenReadyIsUp() {
        var m = MemberSupervisor(name: "shard-0-a")
        #expect(m.start(now: 0) == [.spawn, .setState(.starting, detail: "")])
        #expect(m.phase == .starting(since: 0))
        #expect(m.probed(ok: false, now: 500) == [])
        #expect(m.probed(ok: true, now: 1500) == [.setState(.up, detail: "ready after 1.5s")])
        #expect(m.phase == .up(since: 1500))
        #expect(m.start(now: 1600) == [], "start while running does nothing")
    }

    @Test func crashesBackOffExponentiallyAndRestart() {
        var m = MemberSupervisor(name: "m")
        _ = m.start(now: 0)
        _ = m.probed(ok: true, now: 100)
        #expect(m.processExited("exit status 1", now: 1000)
            == [.setState(.down, detail: "exit status 1; restarting in 1s")])
        #expect(m.phase == .backoff(until: 2000))
        #expect(m.tick(now: 1999) == [])
        #expect(m.tick(now: 2000) == [.spawn, .event(.memberRestarted, detail: "restart 1 after 1 failure(s)"),
                                      .setState(.starting, detail: "")])
        // Crashes again before becoming ready: 2 s, then 4 s.
        #expect(m.processExited("killed by signal 9", now: 2500)
            == [.setState(.down, detail: "killed by signal 9; restarting in 2s")])
        #expect(m.phase == .backoff(until: 4500))
        _ = m.tick(now: 4500)
        _ = m.processExited("exit status 2", now: 4600)
        #expect(m.phase == .backoff(until: 8600))
        #expect(m.restarts == 2)
        #expect(m.failures == 3)
    }

    @Test func sixtySecondsHealthyResetsTheBackoff() {
        var m = MemberSupervisor(name: "m")
        _ = m.start(now: 0)
        _ = m.processExited("exit status 1", now: 10)
        _ = m.tick(now: 1010)
        _ = m.probed(ok: true, now: 2000)
        #expect(m.failures == 1)
        #expect(m.tick(now: 61_999) == [])
        #expect(m.failures == 1, "not yet 60 s up")
        _ = m.tick(now: 62_000)
        #expect(m.failures == 0)
        // The next crash starts again at 1 s.
        #expect(m.processExited("exit status 1", now: 70_000)
            == [.setState(.down, detail: "exit status 1; restarting in 1s")])
    }

    @Test func failedProbesMarkDownThenUpAgain() {
        var m = MemberSupervisor(name: "m", unreadyAfter: 3)
        _ = m.start(now: 0)
        _ = m.probed(ok: true, now: 100)
        #expect(m.probed(ok: false, now: 200) == [])
        #expect(m.probed(ok: true, now: 300) == [], "a success resets the count")
        #expect(m.probed(ok: false, now: 400) == [])
        #expect(m.probed(ok: false, now: 500) == [])
        #expect(m.probed(ok: false, now: 600, detail: "timed out") == [.setState(.down, detail: "not ready: timed out")])
        #expect(m.phase == .unready(since: 600))
        #expect(m.isRunning, "still running: no restart for an unready process")
        #expect(m.probed(ok: true, now: 700) == [.setState(.up, detail: "ready again")])
    }

    @Test func stopTerminatesThenKillsAfterGrace() {
        var m = MemberSupervisor(name: "m", stopGraceMs: 10_000)
        _ = m.start(now: 0)
        _ = m.probed(ok: true, now: 100)
        #expect(m.stop(now: 1000) == [.terminate])
        #expect(m.tick(now: 10_999) == [])
        #expect(m.tick(now: 11_000) == [.kill])
        #expect(m.tick(now: 12_000) == [], "SIGKILL once")
        #expect(m.processExited("killed by signal 9", now: 12_100) == [.setState(.stopped, detail: "killed by signal 9")])
        #expect(m.isStopped)
        #expect(m.restarts == 0, "a stopped member is not restarted")
        #expect(m.tick(now: 100_000) == [])
    }

    @Test func stopDuringBackoffStopsAtOnce() {
        var m = MemberSupervisor(name: "m")
        _ = m.start(now: 0)
        _ = m.processExited("exit status 1", now: 10)
        #expect(m.stop(now: 20) == [.setState(.stopped, detail: "")])
        #expect(m.tick(now: 100_000) == [], "no restart after stop")
    }

    @Test func restartWaitsForExitThenStartsWithoutBackoff() {
        var m = MemberSupervisor(name: "m")
        _ = m.start(now: 0)
        _ = m.probed(ok: true, now: 100)
        #expect(m.restart(now: 1000) == [.terminate])
        #expect(m.processExited("exit status 0", now: 1200)
            == [.spawn, .setState(.starting, detail: "restarted with a new configuration")])
        #expect(m.phase == .starting(since: 1200))
        #expect(m.failures == 0)
    }

    @Test func restartOfAStoppedMemberStartsIt() {
        var m = MemberSupervisor(name: "m")
        #expect(m.restart(now: 5) == [.spawn, .setState(.starting, detail: "")])
    }

    @Test func spawnFailureIsACrash() {
        var m = MemberSupervisor(name: "m")
        _ = m.start(now: 0)
        #expect(m.spawnFailed("cannot start: ENOENT", now: 1) == [.setState(.down, detail: "cannot start: ENOENT; restarting in 1s")])
        #expect(m.phase == .backoff(until: 1001))
    }

    @Test func exitAfterStopIsNotACrash() {
        var m = MemberSupervisor(name: "m")
        _ = m.start(now: 0)
        _ = m.stop(now: 1)
        #expect(m.probed(ok: true, now: 2) == [], "probes while stopping are ignored")
        #expect(m.processExited("exit status 0", now: 3) == [.setState(.stopped, detail: "exit status 0")])
        #expect(m.failures == 0)
    }
}
