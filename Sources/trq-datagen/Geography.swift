// The fixed, hand-set parts of the generative model: genres' shares, countries and age groups
// with their taste multipliers, daily and seasonal rhythms. data/README.md explains each.

/// Per-genre audio-feature model fitted by Sources/trq-datagen/calibrate_genres.py.
struct GenreProfile {
    let name: String
    /// Per `AudioFeature`, in transformed space (logit for 0-1 features, log for duration).
    let mean: [Double]
    let sd: [Double]
    /// Instrumentalness is exactly 0 when the track's latent instrumentalness value is below this.
    let zeroInstrumentalQuantile: Double
    /// Logit-normal parameters of instrumentalness when it is not 0.
    let instrumentalMean: Double
    let instrumentalSD: Double
    let majorShare: Double
    let explicitShare: Double
    /// Shares of time signatures 3, 4 and 5.
    let timeSignatureShares: [Double]
}

enum Genre {
    static let names = genreProfiles.map(\.name)
    static let count = names.count

    static func index(_ name: String) -> Int {
        names.firstIndex(of: name) ?? 0
    }

    /// Share of all listening each genre gets before country, age and individual taste.
    static let baseShare: [String: Double] = [
        "pop": 0.20, "rock": 0.10, "hip-hop": 0.15, "latin": 0.07, "k-pop": 0.04,
        "electronic": 0.08, "r&b": 0.07, "indie": 0.06, "country": 0.05, "jazz": 0.03,
        "classical": 0.03, "metal": 0.04, "reggae": 0.03, "folk": 0.05,
    ]

    /// Range of debut years of a genre's (established) artists; recent years are likelier.
    static let debutYears: [String: (Int, Int)] = [
        "pop": (1985, 2022), "rock": (1965, 2021), "hip-hop": (1988, 2022), "latin": (1990, 2022),
        "k-pop": (2007, 2022), "electronic": (1995, 2022), "r&b": (1985, 2022), "indie": (2000, 2022),
        "country": (1975, 2022), "jazz": (1950, 2020), "classical": (1950, 2018), "metal": (1975, 2021),
        "reggae": (1970, 2021), "folk": (1965, 2022),
    ]

    /// Where a genre's artists come from (weights); genres not listed use `defaultOrigins`.
    static let origins: [String: [(String, Double)]] = [
        "latin": [("MX", 25), ("CO", 20), ("AR", 14), ("ES", 14), ("US", 14), ("PR", 10), ("BR", 3)],
        "k-pop": [("KR", 100)],
        "reggae": [("JM", 50), ("GB", 15), ("US", 15), ("BR", 10), ("ZA", 10)],
        "metal": [("US", 25), ("SE", 15), ("DE", 15), ("GB", 15), ("FI", 15), ("NO", 10), ("PL", 5)],
        "country": [("US", 85), ("CA", 10), ("AU", 5)],
        "classical": [("DE", 20), ("AT", 10), ("GB", 15), ("FR", 10), ("IT", 10), ("US", 15), ("PL", 8), ("JP", 6), ("KR", 6)],
        "jazz": [("US", 55), ("GB", 10), ("FR", 10), ("SE", 5), ("JP", 10), ("BR", 10)],
        "electronic": [("US", 20), ("GB", 18), ("DE", 16), ("NL", 16), ("FR", 12), ("SE", 8), ("AU", 5), ("ZA", 5)],
    ]
    static let defaultOrigins: [(String, Double)] = [
        ("US", 38), ("GB", 15), ("CA", 6), ("AU", 5), ("SE", 5), ("DE", 6), ("FR", 6), ("NL", 3),
        ("IT", 3), ("ES", 3), ("BR", 3), ("JP", 2), ("IN", 2), ("IE", 2), ("NZ", 1),
    ]

    /// Multipliers on listening from June to August (summer) and from November to January (winter).
    static let summerBoost: [String: Double] = ["latin": 1.35, "reggae": 1.4, "electronic": 1.25, "pop": 1.05]
    static let winterBoost: [String: Double] = ["classical": 1.35, "jazz": 1.3, "folk": 1.15, "indie": 1.1]
}

struct Country {
    let code: String
    /// Share of users.
    let userShare: Double
    /// Standard-time offset from UTC in minutes: listening follows local clocks.
    let utcOffsetMinutes: Int
    /// Genre multipliers on the base shares (unlisted genres: 1).
    let taste: [String: Double]
}

enum Geography {
    static let countries: [Country] = [
        Country(code: "US", userShare: 17, utcOffsetMinutes: -300, taste: ["country": 2.0, "hip-hop": 1.4, "r&b": 1.3, "latin": 1.3]),
        Country(code: "BR", userShare: 9, utcOffsetMinutes: -180, taste: ["latin": 4.0, "reggae": 1.5, "rock": 0.8, "country": 0.6, "k-pop": 0.8]),
        Country(code: "MX", userShare: 7, utcOffsetMinutes: -360, taste: ["latin": 7.0, "pop": 0.9, "country": 0.4, "k-pop": 0.8]),
        Country(code: "GB", userShare: 7, utcOffsetMinutes: 0, taste: ["indie": 1.8, "rock": 1.3, "electronic": 1.3, "country": 0.4, "latin": 0.6]),
        Country(code: "DE", userShare: 6, utcOffsetMinutes: 60, taste: ["electronic": 1.8, "metal": 1.6, "rock": 1.2, "country": 0.4, "latin": 0.7]),
        Country(code: "FR", userShare: 5, utcOffsetMinutes: 60, taste: ["hip-hop": 1.6, "electronic": 1.4, "jazz": 1.2, "country": 0.3, "latin": 0.8]),
        Country(code: "ES", userShare: 5, utcOffsetMinutes: 60, taste: ["latin": 5.0, "pop": 1.1, "country": 0.3]),
        Country(code: "IT", userShare: 4, utcOffsetMinutes: 60, taste: ["pop": 1.3, "hip-hop": 1.3, "classical": 1.3, "country": 0.3, "latin": 0.8]),
        Country(code: "JP", userShare: 5, utcOffsetMinutes: 540, taste: ["k-pop": 4.0, "jazz": 1.8, "rock": 1.3, "latin": 0.3, "country": 0.3, "hip-hop": 0.6]),
        Country(code: "KR", userShare: 4, utcOffsetMinutes: 540, taste: ["k-pop": 9.0, "r&b": 1.3, "latin": 0.3, "country": 0.2, "metal": 0.5]),
        Country(code: "CA", userShare: 4, utcOffsetMinutes: -300, taste: ["country": 1.6, "hip-hop": 1.3, "indie": 1.3]),
        Country(code: "AU", userShare: 4, utcOffsetMinutes: 600, taste: ["indie": 1.6, "rock": 1.3, "electronic": 1.2, "country": 1.2, "latin": 0.6]),
        Country(code: "AR", userShare: 3, utcOffsetMinutes: -180, taste: ["latin": 6.0, "rock": 1.3, "country": 0.3]),
        Country(code: "CO", userShare: 3, utcOffsetMinutes: -300, taste: ["latin": 7.0, "reggae": 1.4, "country": 0.3]),
        Country(code: "NL", userShare: 3, utcOffsetMinutes: 60, taste: ["electronic": 2.2, "country": 0.4, "latin": 0.8]),
        Country(code: "SE", userShare: 3, utcOffsetMinutes: 60, taste: ["metal": 2.0, "pop": 1.3, "electronic": 1.3, "country": 0.6, "latin": 0.7]),
        Country(code: "PL", userShare: 3, utcOffsetMinutes: 60, taste: ["metal": 1.5, "hip-hop": 1.3, "rock": 1.2, "classical": 1.2, "latin": 0.6, "country": 0.4]),
        Country(code: "IN", userShare: 4, utcOffsetMinutes: 330, taste: ["pop": 1.4, "classical": 1.3, "k-pop": 1.5, "latin": 0.4, "country": 0.3, "metal": 0.6]),
        Country(code: "TR", userShare: 3, utcOffsetMinutes: 180, taste: ["pop": 1.3, "rock": 1.3, "hip-hop": 1.2, "latin": 0.6, "country": 0.3]),
        Country(code: "ZA", userShare: 2, utcOffsetMinutes: 120, taste: ["electronic": 1.6, "hip-hop": 1.5, "r&b": 1.3, "reggae": 1.6, "country": 0.6]),
    ]

    static let ageGroups = ["18-24", "25-34", "35-44", "45-54", "55+"]
    static let ageShares: [Double] = [0.30, 0.32, 0.18, 0.11, 0.09]
    static let ageTaste: [[String: Double]] = [
        ["hip-hop": 1.4, "k-pop": 1.7, "pop": 1.2, "electronic": 1.1, "jazz": 0.6, "classical": 0.6, "country": 0.8, "rock": 0.7, "folk": 0.8],
        ["indie": 1.2, "r&b": 1.1],
        ["rock": 1.2, "indie": 1.1, "k-pop": 0.6, "hip-hop": 0.9, "country": 1.1],
        ["rock": 1.5, "jazz": 1.5, "classical": 1.4, "country": 1.3, "folk": 1.3, "hip-hop": 0.6, "k-pop": 0.4, "electronic": 0.8],
        ["classical": 2.2, "jazz": 2.0, "rock": 1.4, "country": 1.5, "folk": 1.4, "hip-hop": 0.35, "k-pop": 0.3, "electronic": 0.6, "metal": 0.5],
    ]

    static let subscriptions = ["free", "premium", "family", "student"]
    static let subscriptionShares: [Double] = [0.45, 0.35, 0.12, 0.08]
    /// Premium listeners listen more.
    static let subscriptionActivity: [Double] = [0.8, 1.25, 1.0, 1.1]

    static let platforms = ["mobile", "desktop", "web", "smart_speaker"]
    static let platformShares: [Double] = [0.62, 0.21, 0.07, 0.10]

    /// Relative listening by local hour of day: quiet at night, a commute bump, an evening peak.
    static let hourWeights: [Double] = [
        2.2, 1.4, 0.9, 0.6, 0.5, 0.7, 1.6, 3.2, 4.4, 4.0, 3.6, 3.7,
        4.2, 4.1, 3.9, 4.1, 4.6, 5.3, 5.8, 5.9, 5.7, 5.2, 4.2, 3.1,
    ]
    /// Relative daily volume by month (more in the holidays) and by weekday (Monday first).
    static let monthVolume: [Double] = [1.00, 0.97, 0.98, 0.97, 0.99, 1.02, 1.05, 1.04, 0.98, 1.00, 1.03, 1.12]
    static let weekdayVolume: [Double] = [0.98, 0.99, 1.00, 1.01, 1.07, 1.02, 0.93]
}
