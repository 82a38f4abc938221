/// Verbs that open a sentence saying what one piece of code does ("Return the size of
/// a file", "parses the header and retries"): the way docstrings, commit messages and
/// agents' requests describe a single function. A question shaped so asks for that
/// function, not for the type or file around it (`QueryAnalysis.isDescription`).
///
/// Must hold: no word here is as often a noun that opens a topic ("request throttling",
/// "format of the log", "test fixtures"), so those are left out, and an `-ing` form
/// ("generating model cards") reads as a topic, not an order.
enum ActionVerbs {
    static let base: Set<String> = Set("""
        accept access accumulate acquire add adjust allocate allow append apply assert assign attach authenticate \
        bind build calculate call cancel capture check clean clear clone close collect combine compare compile \
        compose compute configure connect construct consume convert copy count create decode decompress decrement \
        decrypt define delete deserialize destroy detach determine disable discard dispatch download drain drop \
        dump emit enable encode encrypt ensure enumerate escape evaluate execute expand extract fetch fill finalize \
        find finish flatten flush generate get handle ignore implement increment initialize insert install invoke \
        iterate join keep launch listen load look make mark measure merge migrate modify move normalize notify \
        obtain open optimize override parse pass pause perform pick populate pop prepare print produce publish \
        pull push put raise read receive reduce refresh register reject reload remove rename render reorder \
        repeat replace reset resize resolve restore resume retrieve retry return reverse rewrite run save scan \
        schedule seek select send serialize set shift show skip spawn split start stop store strip submit \
        subscribe substitute swap take terminate throw toggle transform translate traverse trigger trim truncate \
        try turn unlock unpack unregister unwrap update upload upgrade validate verify wait walk wrap write yield
        """.split(whereSeparator: { $0 == " " || $0 == "\n" }).map(String.init))

    /// Whether `word` (lower-cased) is one of the verbs, bare or in the third person.
    static func contains(_ word: String) -> Bool {
        if base.contains(word) { return true }
        if word.hasSuffix("ies") { return base.contains(String(word.dropLast(3)) + "y") }
        if word.hasSuffix("es"), base.contains(String(word.dropLast(2))) { return true }
        return word.hasSuffix("s") && base.contains(String(word.dropLast()))
    }
}
