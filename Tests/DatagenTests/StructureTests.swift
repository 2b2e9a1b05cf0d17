import Testing
@testable import trq_datagen

/// The structure data/README.md promises, measured from CSV text only. Run on the committed
/// data and on another seed, so it is a property of the model rather than of one draw.
private func checkStructure(_ data: Parsed, label: String) {
    let latin: Set<String> = ["MX", "BR", "ES", "AR", "CO"]
    let latinInside = data.genreShare("latin", in: latin, inside: true)
    let latinOutside = data.genreShare("latin", in: latin, inside: false)
    #expect(latinInside > 2.5 * latinOutside, "\(label): latin \(latinInside) vs \(latinOutside)")
    let kpopInside = data.genreShare("k-pop", in: ["KR", "JP"], inside: true)
    let kpopOutside = data.genreShare("k-pop", in: ["KR", "JP"], inside: false)
    #expect(kpopInside > 3 * kpopOutside, "\(label): k-pop \(kpopInside) vs \(kpopOutside)")
    // The p = 1e-6 critical value for 19 x 13 = 247 degrees of freedom is 367.4 (scipy chi2.isf).
    let (chi, dof) = data.countryGenreChiSquare()
    #expect(dof == 247 && chi > 367.4 * 3, "\(label): chi-square \(chi) on \(dof) dof")

    let top = data.topDecileShare()
    #expect(top > 0.5, "\(label): top 10% of tracks take \(top)")

    let halves = data.emergingHalves()
    #expect((5...8).contains(halves.count), "\(label): \(halves.count) emerging artists")
    let first = halves.values.map(\.first).reduce(0, +), second = halves.values.map(\.second).reduce(0, +)
    #expect(second > 2 * first, "\(label): emerging plays \(first) -> \(second)")
    #expect(halves.values.filter { $0.second > $0.first }.count >= halves.count - 1, "\(label): \(halves)")

    let duplicates = data.duplicateShare()
    #expect(duplicates >= 0.01 && duplicates <= 0.02, "\(label): duplicates \(duplicates)")
    let missing = data.emptyShare("ms_played")
    #expect(missing >= 0.005 && missing <= 0.015, "\(label): missing ms_played \(missing)")
    #expect(data.emptyShare("platform") > 0 && data.emptyShare("country") > 0)
    let huge = data.listens.column("ms_played").filter { (Int($0) ?? 0) > 86_400_000 }.count
    #expect(huge >= 1 && huge <= 25, "\(label): \(huge) absurd ms_played")

    let skips = data.skipRateNearAndFar()
    #expect(skips.far > skips.near + 0.1, "\(label): skip rate near \(skips.near) far \(skips.far)")

    let (co, pop) = data.coOccurrenceVersusPopularity()
    #expect(co > pop * 1.1, "\(label): co-occurrence \(co) vs popularity \(pop)")
}

@Suite struct StructureTests {
    @Test func committedDataHasTheDocumentedStructure() throws {
        checkStructure(Parsed(try DatasetText.committed()), label: "data/")
    }

    @Test func anotherSeedHasItToo() throws {
        checkStructure(Parsed(try DatasetText.generated(DatagenConfig(seed: 99))), label: "seed 99")
    }

    @Test func seasonsShowInVolumeAndGenres() throws {
        let data = Parsed(try DatasetText.committed())
        var perMonth = [Int](repeating: 0, count: 13)
        for m in data.month { perMonth[m] += 1 }
        // Per day: December (31 days, holidays) is busier than February (28 days).
        #expect(Double(perMonth[12]) / 31 > 1.05 * Double(perMonth[2]) / 28)
        var summer = (latin: 0, all: 0), rest = (latin: 0, all: 0)
        for i in data.month.indices {
            let isLatin = data.genre[i] == "latin" ? 1 : 0
            if (6...8).contains(data.month[i]) { summer = (summer.latin + isLatin, summer.all + 1) }
            else { rest = (rest.latin + isLatin, rest.all + 1) }
        }
        #expect(Double(summer.latin) / Double(summer.all) > Double(rest.latin) / Double(rest.all))
    }

    @Test func largerRunsScaleTheCatalogue() throws {
        let config = DatagenConfig(listens: 90_000, seed: 3)
        let data = Parsed(try DatasetText.generated(config))
        // sqrt(9) = 3 times the default catalogue.
        #expect(data.listens.rows.count == 90_000)
        #expect(data.users.rows.count == 3_000)
        #expect(data.tracks.rows.count == 9_000)
        #expect(data.artists.rows.count == 900)
        #expect(data.emergingHalves().count == 18)
        #expect(data.topDecileShare() > 0.5)
        let halves = data.emergingHalves().values
        #expect(halves.map(\.second).reduce(0, +) > 2 * halves.map(\.first).reduce(0, +))
        // --users overrides the scaling; ID widths follow the counts.
        let wide = Parsed(try DatasetText.generated(DatagenConfig(listens: 500, users: 12_345, seed: 1)))
        #expect(wide.users.rows.count == 12_345 && wide.users.column("user_id").last == "u12345")
        #expect(wide.listens.rows.count == 500)
    }
}
