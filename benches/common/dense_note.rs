//! The dense 400-word note of the SuggestCodes benchmarks (the project's own words: a
//! discharge-style note with sections, negations, history and family history), shared by the
//! criterion bench and the load bench.

/// About 100 words; four of them make the 400-word note.
const PARAGRAPH: &str = "Chief complaint: shortness of breath and swelling of both legs.\n\
History of present illness: 72 year old man with type 2 diabetes mellitus with diabetic chronic \
kidney disease stage 3a, essential hypertension and chronic systolic heart failure presents with \
three days of worsening dyspnea on exertion. He denies chest pain, fever, chills or cough. No \
nausea or vomiting.\nPast medical history: myocardial infarction in 2015, osteoarthritis of the \
right knee, gastroesophageal reflux disease.\nFamily history: mother had breast cancer; father \
had a stroke.\nAssessment: acute on chronic systolic heart failure; hyperkalemia; possible \
pneumonia, will rule out with chest x-ray.\n";

/// The note: the paragraph four times.
pub fn note() -> String {
    PARAGRAPH.repeat(4)
}
