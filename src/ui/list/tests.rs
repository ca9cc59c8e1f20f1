use super::*;

#[test]
fn window_follows_the_selection_without_jumping() {
    let off = Cell::new(0);
    assert_eq!(window(100, 0, 10, &off), 0..10);
    assert_eq!(window(100, 9, 10, &off), 0..10);
    assert_eq!(window(100, 10, 10, &off), 1..11);
    assert_eq!(window(100, 5, 10, &off), 1..11);
    assert_eq!(window(100, 0, 10, &off), 0..10);
    assert_eq!(window(100, 99, 10, &off), 90..100);
    assert_eq!(window(5, 4, 10, &off), 0..5);
    assert_eq!(window(0, 0, 10, &off), 0..0);
    assert_eq!(window(3, 2, 0, &off), 0..0);
}
