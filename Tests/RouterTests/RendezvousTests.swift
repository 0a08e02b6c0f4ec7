import Testing
@testable import Router

@Suite struct RendezvousTests {
    let members = ["shard-0-a", "shard-0-b", "shard-0-c"]

    @Test func sameKeySameOrder() {
        for i in 0..<50 {
            let k = "rate(http_requests_total{job=\"api\"}[5m])#\(i)"
            #expect(Rendezvous.order(key: k, members: members) == Rendezvous.order(key: k, members: members))
        }
    }

    @Test func spreadsKeysOverMembers() {
        var counts = [0, 0, 0]
        for i in 0..<3000 { counts[Rendezvous.order(key: "q\(i)", members: members)[0]] += 1 }
        // Each member gets roughly a third (±20%).
        for c in counts { #expect(c > 800 && c < 1200, "counts \(counts)") }
    }

    @Test func removingAMemberMovesOnlyItsKeys() {
        let two = Array(members.prefix(2))
        for i in 0..<500 {
            let k = "q\(i)"
            let best3 = members[Rendezvous.order(key: k, members: members)[0]]
            let best2 = two[Rendezvous.order(key: k, members: two)[0]]
            if best3 != members[2] { #expect(best2 == best3) }
        }
    }

    @Test func orderIsAPermutation() {
        let o = Rendezvous.order(key: "up", members: members)
        #expect(o.sorted() == [0, 1, 2])
    }

    @Test func keyIgnoresAbsolutePositionButNotLengthOrStep() {
        let a = Rendezvous.key(query: "up", start: "1000", end: "4600", step: "15")
        let b = Rendezvous.key(query: "up", start: "2000", end: "5600", step: "15")
        let c = Rendezvous.key(query: "up", start: "2000", end: "9200", step: "15")
        let d = Rendezvous.key(query: "up", start: "1000", end: "4600", step: "30")
        #expect(a == b)
        #expect(a != c)
        #expect(a != d)
        #expect(Rendezvous.key(query: "up", start: nil, end: nil, step: nil) == "up")
    }
}
