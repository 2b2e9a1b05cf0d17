// Plausible artist and track names, assembled from syllables and small word lists in the
// language of the artist's country. Some names carry commas, quotes and non-ASCII letters on
// purpose, as real catalogues do, so CSV readers meet quoting and UTF-8.

private struct NameStyle {
    let givenStarts: [String], givenEnds: [String]
    let surnameStarts: [String], surnameEnds: [String]
    /// Family name first (Korean, Japanese).
    var surnameFirst = false
}

private let styles: [String: NameStyle] = [
    "en": NameStyle(
        givenStarts: ["Ja", "Mi", "El", "Ro", "Sa", "Da", "Ka", "Lu", "Ma", "Ty", "No", "Be", "Ca", "Ha", "Jo", "Ev", "Li", "Au"],
        givenEnds: ["son", "ra", "die", "ly", "la", "ney", "ver", "lan", "ah", "mes", "na", "ley", "den", "rie"],
        surnameStarts: ["Har", "Bel", "Wood", "Mor", "Ash", "Black", "Carl", "Fair", "Hol", "Kings", "Pen", "Red", "Stan", "Whit", "Brad", "Col", "Dun"],
        surnameEnds: ["ford", "ton", "ley", "well", "man", "field", "ridge", "son", "wood", "by", "ett", "er"]),
    "es": NameStyle(
        givenStarts: ["Ale", "Ca", "Da", "Fer", "Ga", "Isa", "Jo", "Lu", "Ma", "Pa", "Ra", "Se", "Va", "Mi", "An", "Ro"],
        givenEnds: ["ndro", "rla", "niel", "nanda", "briel", "bel", "sé", "cía", "teo", "blo", "úl", "lentina", "guel", "drés", "sa"],
        surnameStarts: ["Ro", "Gar", "Her", "Mar", "Ló", "Fer", "Cas", "Var", "Me", "Or", "Sán", "Na", "Ve"],
        surnameEnds: ["dríguez", "cía", "nández", "tínez", "pez", "tillo", "gas", "ndoza", "tiz", "chez", "varro", "ga"]),
    "pt": NameStyle(
        givenStarts: ["Jo", "Ga", "Lu", "Ma", "Ra", "Be", "Fe", "Ca", "Thi", "Ana", "Ju", "Pe"],
        givenEnds: ["ão", "briel", "cas", "riana", "fael", "atriz", "lipe", "io", "ago", "lia", "dro", "na"],
        surnameStarts: ["Sil", "San", "Oli", "Sou", "Pe", "Li", "Cos", "Fer", "Al", "Ro", "Car", "Gon"],
        surnameEnds: ["va", "tos", "veira", "za", "reira", "ma", "ta", "ves", "cha", "valho", "çalves"]),
    "ko": NameStyle(
        givenStarts: ["Ji", "Min", "Seo", "Woo", "Hye", "Jun", "Yeon", "Ha", "Eun", "Soo", "Da", "Hyun", "Jae", "Yoon", "Chae", "Tae"],
        givenEnds: ["woo", "seo", "jin", "bin", "na", "ri", "hyun", "yeon", "won", "ah", "eun", "min"],
        surnameStarts: ["Kim", "Lee", "Park", "Choi", "Jung", "Kang", "Cho", "Yoon", "Jang", "Lim", "Han", "Shin"],
        surnameEnds: [""], surnameFirst: true),
    "ja": NameStyle(
        givenStarts: ["Yu", "Ha", "Sa", "Ki", "Mi", "Ta", "Ko", "Ri", "Ai", "Ken", "Sho", "Ren", "Na"],
        givenEnds: ["ki", "ru", "to", "ka", "ko", "ji", "na", "ta", "mi", "suke", "ya"],
        surnameStarts: ["Ta", "Su", "Wa", "Ya", "Na", "Ka", "Sa", "Mo", "Ha", "I"],
        surnameEnds: ["naka", "zuki", "tanabe", "mamoto", "kamura", "to", "saki", "ri", "yashi", "noue"], surnameFirst: true),
    "de": NameStyle(
        givenStarts: ["Lu", "Jo", "Fe", "Le", "Ma", "Pau", "Ni", "Ha", "Em", "Ka", "Fi", "Gre"],
        givenEnds: ["kas", "nas", "lix", "on", "x", "la", "klas", "nnah", "ma", "tja", "ta"],
        surnameStarts: ["Mül", "Schmi", "Schnei", "Fi", "We", "Mey", "Wag", "Be", "Ho", "Schä", "Krau", "Wol"],
        surnameEnds: ["ler", "dt", "der", "scher", "ber", "er", "ner", "cker", "ffmann", "fer", "se"]),
    "fr": NameStyle(
        givenStarts: ["Ca", "Lé", "Ma", "Ju", "Chlo", "An", "Lou", "Hu", "Mat", "Cla", "Ga", "É"],
        givenEnds: ["mille", "a", "non", "lien", "é", "toine", "ise", "go", "thieu", "ra", "ël", "lise"],
        surnameStarts: ["Du", "Le", "Mar", "Ber", "Mo", "La", "Ro", "Fo", "Gi", "Che", "Lam", "Fa"],
        surnameEnds: ["bois", "roux", "tin", "nard", "reau", "fontaine", "bert", "urnier", "rard", "valier", "vre"]),
    "nordic": NameStyle(
        givenStarts: ["Er", "As", "Lin", "Ol", "Mag", "Fre", "Nil", "Ing", "Sig", "Tu", "Ei", "Ast"],
        givenEnds: ["ik", "trid", "nea", "iver", "nus", "ja", "s", "rid", "ne", "va", "nar", "a"],
        surnameStarts: ["Lind", "Berg", "Holm", "Sand", "Ek", "Lund", "Strand", "Dahl", "Nord", "Sjö", "Hag", "Fors"],
        surnameEnds: ["qvist", "berg", "ström", "gren", "lund", "sson", "en", "man", "vik", "dal", "heim", "sen"]),
    "it": NameStyle(
        givenStarts: ["Lu", "Gio", "Fran", "Ma", "Ales", "Sof", "Giu", "Ro", "Chia", "Fe", "Ste", "Ele"],
        givenEnds: ["ca", "vanni", "cesca", "rco", "sandro", "ia", "lia", "berto", "ra", "derico", "fano", "na"],
        surnameStarts: ["Ros", "Bian", "Ro", "Co", "Ric", "Ma", "Gal", "Con", "Ferr", "Espo", "Bru", "Ca"],
        surnameEnds: ["si", "chi", "mano", "lombo", "ci", "rino", "lo", "ti", "ari", "sito", "no", "ruso"]),
    "pl": NameStyle(
        givenStarts: ["Ja", "Ka", "Zo", "Mi", "Pio", "To", "An", "Ma", "Ag", "Bar", "Kry", "Wo"],
        givenEnds: ["kub", "sia", "fia", "chał", "tr", "masz", "na", "rta", "nieszka", "tosz", "styna", "jciech"],
        surnameStarts: ["Now", "Kowal", "Wiś", "Wój", "Kamiń", "Lewan", "Zie", "Szyman", "Woź", "Dąbrow", "Koz", "Maz"],
        surnameEnds: ["ak", "ski", "niewski", "cik", "dowski", "liński", "owski", "niak", "łowski", "ur"]),
    "in": NameStyle(
        givenStarts: ["A", "Pri", "Ro", "Ar", "Ka", "Ne", "Vi", "Shre", "Ra", "Anu", "Di", "Sa"],
        givenEnds: ["rav", "ya", "han", "jun", "vya", "ha", "kram", "hul", "shka", "nya"],
        surnameStarts: ["Sha", "Pa", "Ku", "Sin", "Gup", "Iy", "Me", "Ka", "Re", "Jo", "Na"],
        surnameEnds: ["rma", "tel", "mar", "gh", "ta", "er", "hta", "poor", "ddy", "shi", "ir"]),
    "tr": NameStyle(
        givenStarts: ["E", "Ze", "Mer", "Bu", "Can", "Ay", "Em", "Ka", "Se", "Ok", "De", "Yi"],
        givenEnds: ["mre", "ynep", "t", "rak", "şe", "ir", "an", "lin", "tay", "niz", "ğit"],
        surnameStarts: ["Yıl", "Ka", "De", "Şa", "Çe", "Yıldı", "Ay", "Öz", "Ar", "Ko", "Kurt", "Ak"],
        surnameEnds: ["maz", "ya", "mir", "hin", "lik", "rım", "dın", "türk", "slan", "ç", "ın"]),
]

private func style(forCountry code: String) -> String {
    switch code {
    case "MX", "CO", "AR", "ES", "PR": return "es"
    case "BR": return "pt"
    case "KR": return "ko"
    case "JP": return "ja"
    case "DE", "AT", "NL": return "de"
    case "FR": return "fr"
    case "SE", "NO", "FI": return "nordic"
    case "IT": return "it"
    case "PL": return "pl"
    case "IN": return "in"
    case "TR": return "tr"
    default: return "en"
    }
}

private extension Xoshiro {
    mutating func one(_ words: [String]) -> String {
        words[below(words.count)]
    }

    /// "A of B" with B != A.
    mutating func pair(_ words: [String], joinedBy link: String) -> String {
        let i = below(words.count)
        let j = (i + 1 + below(words.count - 1)) % words.count
        return words[i] + link + words[j]
    }
}

private let bandAdjectives = ["Velvet", "Silver", "Electric", "Golden", "Wild", "Midnight", "Neon", "Paper", "Hollow",
                              "Crimson", "Quiet", "Broken", "Lucky", "Northern", "Little", "Blue", "Static", "Glass",
                              "Young", "Lonely", "Sunday", "Burning"]
private let bandNouns = ["Owls", "Rivers", "Wolves", "Hearts", "Kids", "Machines", "Ghosts", "Lights", "Horses",
                         "Satellites", "Roses", "Shadows", "Tides", "Foxes", "Giants", "Mirrors", "Arrows", "Sparrows",
                         "Echoes", "Kings"]
private let metalAdjectives = ["Iron", "Grave", "Black", "Frozen", "Burning", "Silent", "Dead", "Eternal", "Savage",
                               "Bleeding", "Ancient", "Cursed"]
private let metalNouns = ["Serpent", "Throne", "Oath", "Storm", "Wraith", "Abyss", "Pyre", "Legion", "Tomb", "Crown",
                          "Hammer", "Void"]
private let spanishBandNouns = ["Tigres", "Soles", "Lobos", "Caminantes", "Hermanos", "Rayos", "Diablos", "Ángeles",
                                "Piratas", "Gatos"]
private let spanishPlaces = ["Norte", "Sur", "Mar", "Barrio", "Desierto", "Río"]
private let kpopStems = ["NOVA", "STELLA", "LUMI", "BLUE", "CRYSTAL", "NEON", "VIVID", "ASTRO", "MOON", "SKY",
                         "PRISM", "ECHO", "AURA", "DAWN", "VELVET", "RUBY"]
private let kpopSuffixes = ["", "9", "X", "LIGHT", "BEAT", "ZONE", "WAVE", " CITY", "IZ", "ISH"]
private let djStarts = ["Ka", "Lu", "Ve", "So", "Ny", "Hal", "Pa", "Or", "Fa", "Pu", "Ci", "Te", "Zed", "Ax", "Ry"]
private let djEnds = ["men", "ktor", "lace", "x", "cyon", "rallax", "bit", "der", "lse", "rrus", "sla", "o", "on"]
private let cities = ["Vienna", "Berlin", "London", "Leipzig", "Prague", "Boston", "Paris", "Milan", "Kraków",
                      "Tokyo", "Seoul", "Amsterdam", "Dresden", "Salzburg"]
private let ensembles = ["Philharmonic", "Chamber Orchestra", "String Quartet", "Symphony Orchestra",
                         "Baroque Ensemble", "Consort"]

/// A person's name in the style of `country`.
func personName(_ rng: inout Xoshiro, country: String) -> String {
    guard let s = styles[style(forCountry: country)] else { return "Alex Morgan" }
    let given = rng.one(s.givenStarts) + rng.one(s.givenEnds)
    let surname = rng.one(s.surnameStarts) + rng.one(s.surnameEnds)
    return s.surnameFirst ? surname + " " + given : given + " " + surname
}

/// An artist or band name fitting the genre and the artist's country.
func artistName(_ rng: inout Xoshiro, genre: String, country: String) -> String {
    let u = rng.uniform()
    switch genre {
    case "k-pop":
        if u < 0.6 { return rng.one(kpopStems) + rng.one(kpopSuffixes) }
        return personName(&rng, country: country).split(separator: " ").last.map { String($0).uppercased() } ?? "JIWOO"
    case "metal":
        if u < 0.85 {
            return rng.chance(0.7) ? rng.one(metalAdjectives) + " " + rng.one(metalNouns)
                : rng.one(metalNouns) + " of " + rng.one(["Ashes", "Frost", "Ruin", "Thorns", "the Fallen"])
        }
    case "rock", "indie":
        if u < (genre == "rock" ? 0.7 : 0.6) {
            return rng.chance(0.5) ? "The " + rng.one(bandAdjectives) + " " + rng.one(bandNouns)
                : rng.one(bandAdjectives) + " " + rng.one(bandNouns)
        }
    case "latin":
        if u < 0.2 {
            return "Los " + rng.one(spanishBandNouns) + (rng.chance(0.5) ? " del " + rng.one(spanishPlaces) : "")
        }
    case "electronic":
        if u < 0.6 {
            let stem = rng.one(djStarts) + rng.one(djEnds)
            return rng.chance(0.25) ? "DJ " + stem : (rng.chance(0.3) ? stem.uppercased() : stem)
        }
    case "classical":
        if u < 0.4 { return rng.one(cities) + " " + rng.one(ensembles) }
    case "jazz":
        if u < 0.3 { return personName(&rng, country: country) + " " + rng.one(["Trio", "Quartet", "Quintet"]) }
    case "hip-hop":
        if u < 0.4 {
            let given = personName(&rng, country: country).split(separator: " ").first.map(String.init) ?? "Nova"
            return rng.one(["Lil ", "Young ", "MC ", "Big ", "Kid "]) + given
        }
    case "folk", "reggae":
        if u < 0.3 { return "The " + rng.one(bandAdjectives) + " " + rng.one(bandNouns) }
    default:
        break
    }
    return personName(&rng, country: country)
}

private let titleAdjectives = ["Midnight", "Golden", "Electric", "Lonely", "Summer", "Broken", "Sweet", "Wild",
                               "Silent", "Crazy", "Little", "Perfect", "Endless", "Purple", "Dangerous", "Lost",
                               "Neon", "Velvet", "Cold", "Burning", "Secret", "Paper", "Sunday", "Restless",
                               "Hollow", "Young", "Fading", "Bitter", "Crystal", "Slow"]
private let titleNouns = ["Drive", "Heart", "Gravity", "Fire", "Dreams", "Paradise", "Lights", "Rain", "Love",
                          "Highway", "Ocean", "Memories", "Girl", "City", "Night", "Daylight", "Thunder", "Satellite",
                          "Roses", "Echo", "Mirror", "Garden", "Horizon", "Wave", "Shadow", "Sky", "Motel", "Tides",
                          "Fever", "Diamonds", "Avenue", "Signal", "Storm", "Champagne", "Letters", "Island"]
private let titlePlaces = ["Paris", "Tokyo", "the Dark", "the Rain", "July", "December", "Slow Motion", "the Morning",
                           "Brooklyn", "the Desert", "Berlin", "Stereo"]
private let titleVerbs = ["Call", "Hold", "Save", "Chase", "Miss", "Find", "Need", "Leave", "Kiss", "Trust", "Show",
                          "Tell", "Wake", "Take", "Free"]
private let titleObjects = ["Me", "You", "Me Now", "You Down", "It All", "Me Home", "My Name", "the Night", "the Sun",
                            "Me Up", "Your Love"]
private let titlePhrases = ["Hold Me Closer", "Don't Let Go", "Run Away", "Stay With Me", "Fall Again",
                            "Take It Slow", "Say My Name", "Dance Tonight", "Never Enough", "Come Home",
                            "Oh, Darling", "Baby, Come Back", "Yes, I Know", "Hey, Stranger", "Goodbye, Summer",
                            "Not Tonight", "One More Time", "All I Want", "Where We Go", "Right Here",
                            "Wait, What?", "No, Not Now", "Before You Go", "Only Us", "Let It Burn"]
private let spanishWords = ["Corazón", "Noche", "Fuego", "Luna", "Amor", "Calle", "Sol", "Sueño", "Mar", "Cielo", "Vida",
                            "Playa", "Verano", "Mentiras", "Besos", "Ciudad", "Lágrimas", "Baile", "Estrella", "Alma"]
private let spanishAdjectives = ["Salvaje", "Roto", "Eterno", "Dorado", "Prohibido", "Loco", "Bonito", "Perdido",
                                 "Caliente", "Lento"]
private let spanishPhrases = ["Baila Conmigo", "Te Quiero", "Bésame", "Mi Vida", "Perreo Lento", "Loca", "Dime Que Sí",
                              "Quédate", "Ay, Mamá", "Sin Ti", "Otra Vez", "Me Enamoré", "Dónde Estás", "Tú y Yo",
                              "No Me Olvides", "Hasta Mañana"]
private let portugueseWords = ["Saudade", "Coração", "Noite", "Amor", "Praia", "Sol", "Menina", "Festa", "Vida", "Lua"]
private let koreanWords = ["사랑", "별", "꿈", "봄날", "밤", "너에게", "하늘", "바다", "우리", "첫눈"]
private let classicalForms = ["Symphony", "Piano Sonata", "String Quartet", "Violin Concerto", "Piano Concerto",
                              "Nocturne", "Étude", "Prelude", "Cello Suite"]
private let classicalKeys = ["C", "C-sharp", "D", "E-flat", "E", "F", "F-sharp", "G", "A-flat", "A", "B-flat", "B"]
private let movements = ["I", "II", "III", "IV"]
private let tempi = ["Allegro", "Adagio", "Andante", "Presto", "Largo", "Allegretto", "Scherzo", "Rondo"]

/// A track title fitting the genre and the artist's country; `featuring` is another artist's
/// name to credit now and then.
func trackTitle(_ rng: inout Xoshiro, genre: String, country: String, featuring: String, released: Int) -> String {
    var title: String
    let lang = style(forCountry: country)
    switch genre {
    case "classical":
        let key = rng.one(classicalKeys) + (rng.chance(0.5) ? " Major" : " Minor")
        title = "\(rng.one(classicalForms)) No. \(rng.between(1, 24)) in \(key), Op. \(rng.between(2, 140)): "
            + "\(rng.one(movements)). \(rng.one(tempi))"
        return title
    case "k-pop" where rng.chance(0.3):
        title = rng.chance(0.4) ? rng.pair(koreanWords, joinedBy: " ") : rng.one(koreanWords)
    default:
        if lang == "es" && rng.chance(0.8) {
            switch rng.below(3) {
            case 0: title = rng.one(spanishPhrases)
            case 1: title = rng.one(spanishWords) + " " + rng.one(spanishAdjectives)
            default: title = rng.pair(spanishWords, joinedBy: " de ")
            }
        } else if lang == "pt" && rng.chance(0.7) {
            title = rng.chance(0.5) ? rng.pair(portugueseWords, joinedBy: " de ") : rng.one(portugueseWords)
        } else {
            let u = rng.uniform()
            if u < 0.35 {
                title = rng.one(titleAdjectives) + " " + rng.one(titleNouns)
            } else if u < 0.43 {
                title = rng.one(titleNouns)
            } else if u < 0.58 {
                title = rng.one(titlePhrases)
            } else if u < 0.78 {
                title = rng.one(titleVerbs) + " " + rng.one(titleObjects)
            } else if u < 0.9 {
                title = rng.one(titleAdjectives) + " " + rng.one(titleNouns) + " in " + rng.one(titlePlaces)
            } else {
                title = rng.pair(titleNouns, joinedBy: " of ")
            }
        }
    }
    if ["pop", "hip-hop", "latin", "r&b", "electronic"].contains(genre) && rng.chance(0.12) {
        title += " (feat. \(featuring))"
    } else if rng.chance(0.01) {
        title += " (From \"\(rng.one(titleAdjectives)) \(rng.one(titleNouns))\")"
    }
    if released < 2000 && rng.chance(0.2) {
        title += " - Remastered"
    }
    return title
}
