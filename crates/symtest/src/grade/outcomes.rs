//! The outcomes file: one JSON line per graded sample, appended as results
//! arrive, so that a run can stop at any moment and resume later.

use std::collections::HashSet;
use std::fs::{File, OpenOptions};
use std::io::{self, BufRead, BufReader, Write};
use std::path::Path;

use super::Outcome;

/// What an existing outcomes file holds.
pub struct Existing {
    pub outcomes: Vec<Outcome>,
    /// Bytes of whole, valid lines: anything after is a line cut short by a
    /// crash and is dropped on resume.
    pub valid_len: u64,
    /// A line that is complete but not an outcome (the file is not ours).
    pub bad_line: Option<usize>,
}

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

/// Keys already graded.
pub fn done_keys(existing: &Existing) -> HashSet<(String, String)> {
    existing
        .outcomes
        .iter()
        .map(|o| (o.task_id.clone(), o.sample_id.clone()))
        .collect()
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
    use crate::grade::Status;

    fn outcome(id: &str) -> Outcome {
        Outcome {
            task_id: "t".into(),
            sample_id: id.into(),
            status: Status::Passed,
            passed: 1,
            total: 1,
            reward: 1.0,
            first_failure: None,
            ms: 1.0,
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
