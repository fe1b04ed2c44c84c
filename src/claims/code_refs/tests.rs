//! Unit tests of the reference parser on the shapes the notes use.

use super::*;

fn set(text: &str) -> CodeSet {
    CodeSet::parse(text).unwrap()
}

fn stem(code: &str) -> CodeRef {
    CodeRef { scope: Scope::Stem(code.into()), condition: None }
}

fn range(low: &str, high: &str) -> CodeRef {
    CodeRef { scope: Scope::Range { low: low.into(), high: high.into() }, condition: None }
}

#[test]
fn codes_and_prefixes() {
    assert_eq!(set("E10.-").refs(), [stem("E10")]);
    assert_eq!(set("E11.9").refs(), [stem("E119")]);
    assert_eq!(set("Z79.4").refs(), [stem("Z794")]);
    assert_eq!(set("S72.0-").refs(), [stem("S720")]);
    assert_eq!(set("M47.2.-").refs(), [stem("M472")]);
    assert_eq!(set("I69.").refs(), [stem("I69")]);
    assert_eq!(set("C43.2-,C44.2-").refs(), [stem("C432"), stem("C442")]);
    assert_eq!(set("K50.014, K50.114, K50.814, K50.914,").refs().len(), 4);
    let e10 = set("E10.-");
    assert!(e10.contains("E109") && e10.contains("E10") && e10.contains("E1065"));
    assert!(!e10.contains("E119") && !e10.contains("E1"));
    let exact = set("E11.9");
    assert!(exact.contains("E119") && !exact.contains("E11") && !exact.contains("E1165"));
    // A code cited without its 7th character names its 7th-character codes.
    assert!(set("T45.1X5").contains("T451X5A"));
    assert_eq!(exact.text(), "E11.9");
    assert_eq!(exact.to_string(), "(E11.9)");
}

#[test]
fn ranges_compare_at_each_bounds_length() {
    let hypertension = set("O10-O11, O13-O16");
    assert_eq!(hypertension.refs(), [range("O10", "O11"), range("O13", "O16")]);
    for inside in ["O10011", "O11", "O114", "O13", "O1495", "O16", "O169"] {
        assert!(hypertension.contains(inside), "{inside}");
    }
    for outside in ["O12", "O120", "O17", "O09", "I10"] {
        assert!(!hypertension.contains(outside), "{outside}");
    }
    let ckd = set("N18.1-N18.6");
    assert!(ckd.contains("N181") && ckd.contains("N1830") && ckd.contains("N186"));
    assert!(!ckd.contains("N189") && !ckd.contains("N17"));
    let mixed = set("B50.0-B54");
    assert!(mixed.contains("B500") && mixed.contains("B54") && mixed.contains("B529"));
    assert!(!mixed.contains("B55") && !mixed.contains("B49"));
    assert!(set("I10-I16").contains("I160") && !set("I10-I16").contains("I1A0"));
    assert!(set("I21.0-I21.B").contains("I21A1"));
    assert!(set("C00-D49").contains("D3A00") && set("C00-D49").contains("C4A0"));
    assert!(set("A00-R94 and T80-T88.6, T88.8").contains("T886") && !set("A00-R94 and T80-T88.6").contains("T887"));
}

#[test]
fn odd_range_spellings() {
    assert_eq!(set("I01.0 -I01.9").refs(), [range("I010", "I019")]);
    assert_eq!(set("I70.2--I70.7-").refs(), [range("I702", "I707")]);
    assert_eq!(set("P28.3- - P28.4-").refs(), [range("P283", "P284")]);
    assert_eq!(set("Q70.0- -Q70.3-").refs(), [range("Q700", "Q703")]);
    assert_eq!(set("E05.0-E05.9-").refs(), [range("E050", "E059")]);
    assert_eq!(set("K85-K86.-").refs(), [range("K85", "K86")]);
    assert_eq!(set("F11.-F17.-").refs(), [range("F11", "F17")]);
    assert_eq!(set("F98.2.-F98.3").refs(), [range("F982", "F983")]);
    assert_eq!(set("M05.00 to M05.8A").refs(), [range("M0500", "M058A")]);
    assert!(CodeSet::parse("E13-E08").is_err(), "a range must not run backwards");
}

#[test]
fn character_conditions() {
    let diabetic = set("E08-E13 with .42");
    for inside in ["E0842", "E1042", "E1142", "E1342"] {
        assert!(diabetic.contains(inside), "{inside}");
    }
    assert!(!diabetic.contains("E1140") && !diabetic.contains("E1442") && !diabetic.contains("E11"));
    let pair = set("E08-E13 with .51-.52");
    assert!(pair.contains("E1151") && pair.contains("E1052") && !pair.contains("E1159"));
    assert!(set("E08-E13 with .62-").contains("E11621") && !set("E08-E13 with .62-").contains("E11610"));
    let syphilis = set("B27.0-B27.9 with fifth character 1");
    assert!(syphilis.contains("B2701") && syphilis.contains("B2791"));
    assert!(!syphilis.contains("B2700") && !syphilis.contains("B270") && !syphilis.contains("B2801"));
    assert!(set("A37 with fifth-character 1").contains("A3711"));
    assert!(set("V01-V09 with 5th character 9").contains("V0199XA"));
    assert!(set("F10-F19 with 5th character .6").contains("F1096"));
    assert!(set("F11-F19 with fifth to sixth characters 51").contains("F11151"));
    assert!(!set("F11-F19 with fifth to sixth characters 51").contains("F11150"));
    let sixth = set("T43.1X with sixth character 1-4");
    assert!(sixth.contains("T431X1A") && sixth.contains("T431X4D") && !sixth.contains("T431X5A"));
    assert!(set("T39.0-, with sixth character 1-4").contains("T39011A"));
    assert!(set("S06.0X- with seventh character A").contains("S060X1A"));
    assert!(!set("S06.0X- with seventh character A").contains("S060X1D"));
    assert!(set("S02.- with 7th character B").contains("S02400B"));
    assert!(set("S92.-with 7th character B").contains("S92001B"));
    let open = set("S52.- with open fracture 7th character");
    assert!(open.contains("S52001B") && open.contains("S52001R") && !open.contains("S52001A"));
    assert!(set("I69. with final characters -23").contains("I69323"));
    assert!(!set("I69. with final characters -23").contains("I69320"));
}

#[test]
fn intent_is_the_sixth_character_unless_placeholder() {
    let adverse = set("T36-T50 with fifth or sixth character 5");
    assert!(adverse.contains("T360X5A") && adverse.contains("T3695XA") && adverse.contains("T40415A"));
    assert!(!adverse.contains("T40411A") && !adverse.contains("T360X1A") && !adverse.contains("T510X1A"));
    let poisoning = set("T36-T65 with fifth or sixth character 1-4");
    assert!(poisoning.contains("T40411A") && !poisoning.contains("T40415A"));
    assert!(set("T51-T65 with fifth or sixth character to indicate intent").contains("T510X1A"));
    assert!(set("T36-T50 with fifth or six character 5").contains("T360X5A"));
}

#[test]
fn notes_lists_and_bare_mentions() {
    let note = references_in("type 2 diabetes mellitus (E11.-)");
    assert!(note.resolved() && note.contains("E119") && !note.contains("E109"));
    let two = references_in("the type of cholecystitis (K81.-), or cholelithiasis with cholecystitis (K80.00-K80.19)");
    assert_eq!(two.sets.len(), 2);
    assert!(two.contains("K810") && two.contains("K8012"));
    let none = references_in("underlying disease");
    assert!(!none.names_a_code && none.sets.is_empty() && !none.resolved());
    let bare = references_in("congenital malformation syndromes classified to Q87.-");
    assert!(bare.names_a_code && bare.sets.is_empty() && !bare.resolved());
    let unclosed = references_in("acquired absence of knee joint (Z89.52-");
    assert!(unclosed.resolved() && unclosed.contains("Z89521"));
    let trailing = references_in("underdosing of medication (T36-T50) with fifth or sixth character 6");
    assert!(trailing.contains("T360X6A") && !trailing.contains("T360X1A"));
    let words = references_in("nephritic syndrome (with C3 glomerulopathy) with dense deposit disease (N00.6)");
    assert!(words.resolved() && words.sets.len() == 1 && words.contains("N006"));
    let stray = references_in("malignant pleural effusion (J91.0))");
    assert!(stray.resolved() && stray.contains("J910"));
    let broken = references_in("something (E11.9 or else)");
    assert!(!broken.resolved() && broken.unparsed.len() == 1);
    assert!(!names_a_code("H1N1 influenza") && !names_a_code("vitamin B deficiency") && names_a_code("(C4A)"));
}
