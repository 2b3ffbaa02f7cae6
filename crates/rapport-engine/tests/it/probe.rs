//! Temporary probe.
#[test]
fn probe() {
    let Ok(text) = std::fs::read_to_string("/tmp/probe.txt") else { return };
    for block in text.split("\n===\n") {
        let (guide, answer) = block.split_once('\n').unwrap_or(("", ""));
        let r = crate::score(guide.trim(), answer.trim());
        eprintln!("\n## {} {} {} off_topic={} rel={:.2}", guide, r.band.as_str(), r.score, r.off_topic, r.relevance);
        for c in r.criteria.iter().chain(&r.tips) {
            eprintln!("  {} met={} s={:.2}", c.id, c.met, c.strength);
            for e in &c.evidence { eprintln!("     [{}] {}", e.why, e.text); }
        }
        eprintln!("  feedback: {:?}", r.feedback.first());
        eprintln!("  delivery: words {} neg {:?} len {}", r.delivery.words, r.delivery.negativity.len(), r.delivery.length);
    }
}
