//! Two drafts of an answer compared: the steps and tips gained, and the one change that
//! made the most difference, priced by scoring the new draft without it.

use rapport_engine::Comparison;

use crate::engine;

const FIRST: &str = "Last winter a guest at the hotel where I work arrived at midnight to find \
    that his booked room had been given away. He was furious. I listened, apologised and \
    moved him to a larger room on a quiet floor.";

const RESULT: &str = " The next morning he thanked me at checkout, and he has booked with us \
    four times since.";

#[test]
fn an_added_result_is_gained_and_named_as_what_made_the_difference() {
    let second = format!("{FIRST}{RESULT}");
    let before = engine().score("difficult-customer", FIRST).expect("scored");
    let after = engine()
        .score("difficult-customer", &second)
        .expect("scored");
    let c = Comparison::between(&before, &after);
    assert!(c.score_delta > 0, "{} -> {}", before.score, after.score);
    assert!(c.gained.contains(&"outcome".to_owned()), "{c:?}");
    assert!(c.lost.is_empty(), "{c:?}");
    let d = engine()
        .biggest_difference("difficult-customer", FIRST, &second)
        .expect("scored")
        .expect("the result made a difference");
    assert!(d.inserted.contains("booked with us"), "{d:?}");
    assert!(d.deleted.is_empty(), "{d:?}");
    assert_eq!(d.with, after.score);
    assert_eq!(
        d.without, before.score,
        "undoing the only change gives the first draft"
    );
}

#[test]
fn among_several_changes_the_one_that_moved_the_score_is_named() {
    // A word swapped at the start changes nothing; the added result does.
    let first = FIRST.replacen("Last winter", "Last December", 1);
    let second = format!("{FIRST}{RESULT}");
    let d = engine()
        .biggest_difference("difficult-customer", &first, &second)
        .expect("scored")
        .expect("a change made a difference");
    assert!(d.inserted.contains("booked with us"), "{d:?}");
    assert!(d.without < d.with, "{d:?}");
}

#[test]
fn a_cut_that_costs_points_is_named_when_the_score_falls() {
    let first = format!("{FIRST}{RESULT}");
    let d = engine()
        .biggest_difference("difficult-customer", &first, FIRST)
        .expect("scored")
        .expect("the cut made a difference");
    assert!(d.deleted.contains("booked with us"), "{d:?}");
    assert!(d.inserted.is_empty(), "{d:?}");
    assert!(d.without > d.with, "{d:?}");
}

#[test]
fn the_same_draft_twice_made_no_difference() {
    let d = engine()
        .biggest_difference("difficult-customer", FIRST, FIRST)
        .expect("scored");
    assert_eq!(d, None);
}
