use super::*;

fn tags(text: &str, removing: bool) -> (TagChange, Vec<String>) {
    let mut message = Message::new(text);
    let len = message.len();
    let change = take(&mut message, 0..len, removing, false);
    let left = message
        .free_in(0..len)
        .into_iter()
        .map(|i| message.word(i).to_owned())
        .collect();
    (change, left)
}

#[test]
fn hashtags_are_added_without_the_hash() {
    let (change, left) = tags("buy milk #Home #errands", false);
    assert_eq!(change.add, ["home", "errands"]);
    assert_eq!(left, ["buy", "milk"]);
}

#[test]
fn numeric_hashtags_are_task_numbers_not_tags() {
    let (change, left) = tags("mark #2 as done", false);
    assert!(change.add.is_empty());
    assert_eq!(left, ["mark", "2", "as", "done"]);
}

#[test]
fn tag_it_leaves_the_pronoun_for_the_reference() {
    let (change, left) = tags("tag it home", false);
    assert_eq!(change.add, ["home"]);
    assert_eq!(left, ["it"]);
}

#[test]
fn tagged_lists_take_every_tag() {
    let (change, _) = tags("call the school, tagged kids and errands", false);
    assert_eq!(change.add, ["kids", "errands"]);
}

#[test]
fn a_tag_list_stops_before_the_next_slot() {
    let (change, left) = tags("review prs, tag work, due tomorrow", false);
    assert_eq!(change.add, ["work"]);
    assert!(left.contains(&"due".to_owned()));
}

#[test]
fn tag_with_after_the_task_takes_the_tags_after_with() {
    let (change, left) = tags("tag the groceries task with shopping and home", false);
    assert_eq!(change.add, ["shopping", "home"]);
    assert_eq!(left, ["the", "groceries", "task"]);
}

#[test]
fn removing_commands_remove_the_named_tag() {
    let (change, left) = tags("remove the home tag from task 3", true);
    assert_eq!(change.remove, ["home"]);
    assert_eq!(left, ["remove", "from", "task", "3"]);
    let (change, _) = tags("untag work from the second one", false);
    assert_eq!(change.remove, ["work"]);
}

#[test]
fn a_named_list_is_a_tag_and_the_todo_list_is_not() {
    let (change, left) = tags("add oat milk to my shopping list", false);
    assert_eq!(change.add, ["shopping"]);
    assert_eq!(left, ["add", "oat", "milk"]);
    let (change, _) = tags("add pencils to school supplies list", false);
    assert_eq!(change.add, ["school-supplies"]);
    let (change, _) = tags("what's on my to do list", false);
    assert!(change.add.is_empty());
    let (change, left) = tags("put haircut on my list", false);
    assert!(change.add.is_empty());
    assert_eq!(left, ["put", "haircut"]);
}
