//! The outcomes file: one JSON line per graded sample, appended as results
//! arrive, so that a run can stop at any moment and resume later.

use std::collections::HashMap;
use std::fs::{File, OpenOptions};
use std::io::{self, BufRead, BufReader, Write};
use std::path::Path;

use super::Outcome;

/// What an existing outcomes file holds.
pub struct Existing {
    /// Every outcome read, in file order (a sample graded again appears
    /// again: [`latest`] keeps its last).
    pub outcomes: Vec<Outcome>,
    /// Bytes of whole, valid lines: anything after is a line cut short by a
    /// crash and is dropped on resume.
    pub valid_len: u64,
    /// A line that is complete but not an outcome (the file is not ours).
    pub bad_line: Option<usize>,
}

/// Reads an outcomes file, stopping at a line cut short or one that is not
/// an outcome; a missing file holds nothing.
pub fn read_existing(path: &Path) -> io::Result<Existing> {
    let mut out = Existing {
        outcomes: Vec::new(),
        valid_len: 0,
        bad_line: None,
    };
    let f = match File::open(path) {
        Ok(f) => f,
        Err(e) if e.kind() == io::ErrorKind::NotFound => return Ok(out),
        Err(e) => return Err(e),
    };
    let mut reader = BufReader::new(f);
    let mut line = String::new();
    let mut n = 0;
    loop {
        line.clear();
        let read = reader.read_line(&mut line)?;
        if read == 0 {
            break;
        }
        n += 1;
        if !line.ends_with('\n') {
            // Cut short: the run stopped in the middle of writing it.
            break;
        }
        match serde_json::from_str::<Outcome>(line.trim_end()) {
            Ok(o) => {
                out.outcomes.push(o);
                out.valid_len += read as u64;
            }
            Err(_) if line.trim().is_empty() => out.valid_len += read as u64,
            Err(_) => {
                out.bad_line = Some(n);
                break;
            }
        }
    }
    Ok(out)
}

/// The digest of what each sample's latest verdict was given on (a later
/// line for the same sample replaces an earlier one); samples whose latest
/// outcome is a grader error are not done.
pub fn done_digests(existing: &Existing) -> HashMap<(String, String), Option<String>> {
    let mut out = HashMap::new();
    for o in &existing.outcomes {
        let key = (o.task_id.clone(), o.sample_id.clone());
        if o.status.is_verdict() {
            out.insert(key, o.graded_sha256.clone());
        } else {
            out.remove(&key);
        }
    }
    out
}

/// The latest outcome of each sample, in the order they were first graded.
pub fn latest(outcomes: Vec<Outcome>) -> Vec<Outcome> {
    let mut at: HashMap<(String, String), usize> = HashMap::new();
    let mut out: Vec<Outcome> = Vec::with_capacity(outcomes.len());
    for o in outcomes {
        let key = (o.task_id.clone(), o.sample_id.clone());
        match at.get(&key) {
            Some(&i) => out[i] = o,
            None => {
                at.insert(key, out.len());
                out.push(o);
            }
        }
    }
    out
}

/// Appends outcomes, one whole line per write.
pub struct Writer {
    file: File,
}

impl Writer {
    /// Opens for appending after dropping any cut-short last line.
    pub fn open(path: &Path, valid_len: u64) -> io::Result<Writer> {
        let file = OpenOptions::new()
            .create(true)
            .append(true)
            .read(true)
            .open(path)?;
        if file.metadata()?.len() > valid_len {
            file.set_len(valid_len)?;
        }
        Ok(Writer { file })
    }

    /// Writes one outcome as one line, flushed at once.
    pub fn append(&mut self, o: &Outcome) -> io::Result<()> {
        let mut line = serde_json::to_vec(o).map_err(io::Error::other)?;
        line.push(b'\n');
        self.file.write_all(&line)?;
        self.file.flush()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::Status;

    fn outcome(id: &str) -> Outcome {
        Outcome {
            task_id: "t".into(),
            sample_id: id.into(),
            status: Status::Passed,
            passed: 1,
            total: 1,
            reward: Some(1.0),
            first_failure: None,
            ms: 1.0,
            completion_sha256: None,
            graded_sha256: None,
        }
    }

    #[test]
    fn a_cut_short_line_is_dropped_on_resume() {
        let dir = std::env::temp_dir().join(format!("symtest-outcomes-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let path = dir.join("o.jsonl");
        let _ = std::fs::remove_file(&path);
        let mut w = Writer::open(&path, 0).unwrap();
        w.append(&outcome("0")).unwrap();
        w.append(&outcome("1")).unwrap();
        drop(w);
        // A crash in the middle of the third line.
        let mut f = OpenOptions::new().append(true).open(&path).unwrap();
        f.write_all(b"{\"task_id\": \"t\", \"sam").unwrap();
        drop(f);
        let existing = read_existing(&path).unwrap();
        assert_eq!(existing.outcomes.len(), 2);
        let mut w = Writer::open(&path, existing.valid_len).unwrap();
        w.append(&outcome("2")).unwrap();
        let again = read_existing(&path).unwrap();
        assert_eq!(again.outcomes.len(), 3);
        assert!(again.bad_line.is_none());
        std::fs::remove_dir_all(&dir).ok();
    }
}
