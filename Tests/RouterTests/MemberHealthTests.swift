import Testing
@testable import Router

@Suite struct MemberHealthTests {
    typealias S = MemberHealth.State

    @Test func upToDownNeedsTwoFailures() {
        var h = MemberHealth(failuresToDown: 2, successesToUp: 2)
        #expect(h.failure(.request, reason: "x") == .transition(from: .up, to: .suspect))
        #expect(h.state == .suspect)
        #expect(h.state.isRoutable)
        #expect(h.failure(.probe, reason: "y") == .transition(from: .suspect, to: .down))
        #expect(h.state == .down)
        #expect(!h.state.isRoutable)
        #expect(h.lastError == "y")
        #expect(h.failure(.probe, reason: "z") == .none)
    }

    @Test func suspectRecoversOnOneSuccess() {
        var h = MemberHealth()
        _ = h.failure(.request, reason: "x")
        #expect(h.success(.request) == .transition(from: .suspect, to: .up))
        #expect(h.consecutiveFailures == 0)
        // A later single failure is again only suspect: the count restarted.
        #expect(h.failure(.request, reason: "x") == .transition(from: .up, to: .suspect))
    }

    @Test func downComesBackThroughProbingWithTwoProbeSuccesses() {
        var h = MemberHealth(initial: .down, failuresToDown: 2, successesToUp: 2)
        // A request success cannot revive a down member; only probes can.
        #expect(h.success(.request) == .none)
        #expect(h.state == .down)
        _ = h.failure(.probe, reason: "still down")
        #expect(h.success(.probe) == .transition(from: .down, to: .probing))
        #expect(!h.state.isRoutable)
        #expect(h.success(.probe) == .transition(from: .probing, to: .up))
        #expect(h.state == .up)
    }

    @Test func probingFailureGoesBackDown() {
        var h = MemberHealth(initial: .down, successesToUp: 3)
        #expect(h.success(.probe) == .transition(from: .down, to: .probing))
        #expect(h.success(.probe) == .none)
        #expect(h.failure(.probe, reason: "flap") == .transition(from: .probing, to: .down))
        // From down again, three fresh successes are needed.
        #expect(h.success(.probe) == .transition(from: .down, to: .probing))
        #expect(h.success(.probe) == .none)
        #expect(h.success(.probe) == .transition(from: .probing, to: .up))
    }

    @Test(arguments: [1, 2, 3, 5])
    func failuresToDownThreshold(_ n: Int) {
        var h = MemberHealth(failuresToDown: n, successesToUp: 1)
        var transitions: [S] = []
        for _ in 0..<n {
            if case let .transition(_, to) = h.failure(.probe, reason: "x") { transitions.append(to) }
        }
        #expect(h.state == .down)
        #expect(transitions.last == .down)
        #expect(transitions.count == (n == 1 ? 1 : 2))
        // successesToUp 1: straight back up.
        #expect(h.success(.probe) == .transition(from: .down, to: .up))
    }

    @Test func routingRank() {
        #expect(S.allCases.filter(\.isRoutable) == [.up, .suspect])
        #expect(S.up < S.suspect)
    }

    @Test func registryOrdersUpBeforeSuspectAndDropsDown() {
        let members = ["a", "b", "c"].map { MemberConfig(name: $0, replica: $0, url: "http://127.0.0.1:1") }
        let reg = MemberRegistry(config: RouterConfig(groups: [GroupConfig(name: "g", members: members)]))
        reg.record("a", ok: false, source: .request, reason: "x")      // a suspect
        reg.record("c", ok: false, source: .probe, reason: "x")
        reg.record("c", ok: false, source: .probe, reason: "x")        // c down
        #expect(reg.routable(members).map(\.name) == ["b", "a"])
        #expect(reg.state(of: "c") == .down)
        // Config update keeps the state of members that remain and adds new ones as up.
        let d = MemberConfig(name: "d", replica: "d", url: "http://127.0.0.1:2")
        reg.update(config: RouterConfig(groups: [GroupConfig(name: "g", members: [members[2], d])]))
        #expect(reg.state(of: "c") == .down)
        #expect(reg.state(of: "d") == .up)
        #expect(reg.state(of: "a") == nil)
    }
}
