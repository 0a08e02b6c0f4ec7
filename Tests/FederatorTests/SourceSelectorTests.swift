import Federator
import Testing

@Suite struct SourceSelectorTests {
    @Test func startsOnPreferredAndTriesOthersInOrder() {
        let s = SourceSelector(count: 3)
        #expect(s.current == 0)
        #expect(s.order() == [0, 1, 2])
        #expect(s.lastSource == nil)
    }

    @Test func failureMovesToNextReplicaForTheSamePull() {
        var s = SourceSelector(count: 3)
        let order = s.order()
        s.failed(order[0])
        #expect(s.current == 1)
        s.succeeded(order[1])
        #expect(s.lastSource == 1)
        #expect(s.current == 1)
        #expect(s.order() == [1, 2, 0])
        #expect(s.failures == [1, 0, 0])
    }

    @Test func returnsToPreferredAfterNSuccesses() {
        var s = SourceSelector(count: 2, returnAfter: 3)
        s.failed(0)
        s.succeeded(1)
        s.succeeded(1)
        #expect(s.current == 1)
        #expect(s.successesSinceFailover == 2)
        s.succeeded(1)
        #expect(s.current == 0)
        #expect(s.lastSource == 1)
        // preferred still down: the same pull fails over again
        s.failed(0)
        #expect(s.current == 1)
        #expect(s.failures == [2, 0])
        s.succeeded(1)
        #expect(s.successesSinceFailover == 1)
    }

    @Test func preferredSuccessResetsEverything() {
        var s = SourceSelector(count: 2, returnAfter: 1)
        s.failed(0)
        s.succeeded(1)
        #expect(s.current == 0)
        s.succeeded(0)
        #expect(s.current == 0)
        #expect(s.failures == [0, 0])
        #expect(s.lastSource == 0)
    }

    @Test func allFailingCyclesThroughEveryReplicaOnce() {
        var s = SourceSelector(count: 3)
        var tried: [Int] = []
        for i in s.order() {
            tried.append(i)
            s.failed(i)
        }
        #expect(tried == [0, 1, 2])
        #expect(s.current == 0)
        #expect(s.failures == [1, 1, 1])
    }

    @Test func failureOfNonCurrentReplicaKeepsCurrent() {
        var s = SourceSelector(count: 3)
        s.failed(0)
        s.failed(2)
        #expect(s.current == 1)
        #expect(s.failures == [1, 0, 1])
    }

    @Test(arguments: [1, 2, 5])
    func singleReplicaAlwaysCurrent(_ n: Int) {
        var s = SourceSelector(count: 1, returnAfter: n)
        s.failed(0)
        #expect(s.order() == [0])
        s.succeeded(0)
        #expect(s.current == 0)
        #expect(s.failures == [0])
    }
}
