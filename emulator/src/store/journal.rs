//! Durable state on disk: a snapshot file plus an append-only journal of changes.
//!
//! Each acknowledged change is one JSON line appended to `FILE.journal` and fsynced before its
//! answer. On start-up and shutdown the journal is folded into `FILE` (temp file, fsync, rename,
//! directory fsync) and emptied. A torn last line was never acknowledged and is ignored.

use std::fs::{self, File, OpenOptions};
use std::io::{self, Write};
use std::path::{Path, PathBuf};

use crate::model::{Change, Snapshot};

/// The open journal of a state file.
pub struct Journal {
    snapshot_path: PathBuf,
    journal_path: PathBuf,
    file: File,
    len: u64,
}

/// What a state file held: its snapshot (none on first use) and the changes made since.
pub struct Recovered {
    pub snapshot: Option<Snapshot>,
    pub changes: Vec<Change>,
}

impl Journal {
    /// Reads the state at `path` and opens its journal for appending.
    pub fn open(path: &Path) -> io::Result<(Self, Recovered)> {
        let snapshot_path = path.to_path_buf();
        let mut journal_path = snapshot_path.clone().into_os_string();
        journal_path.push(".journal");
        let journal_path = PathBuf::from(journal_path);
        let snapshot = match fs::read(&snapshot_path) {
            Ok(bytes) => Some(serde_json::from_slice(&bytes).map_err(|e| {
                invalid(format!("{} is not a valid state file: {e}", path.display()))
            })?),
            Err(e) if e.kind() == io::ErrorKind::NotFound => None,
            Err(e) => return Err(e),
        };
        let changes = match fs::read(&journal_path) {
            Ok(bytes) => parse_journal(&bytes)?,
            Err(e) if e.kind() == io::ErrorKind::NotFound => Vec::new(),
            Err(e) => return Err(e),
        };
        let file = OpenOptions::new()
            .create(true)
            .append(true)
            .open(&journal_path)?;
        let len = file.metadata()?.len();
        let journal = Journal {
            snapshot_path,
            journal_path,
            file,
            len,
        };
        Ok((journal, Recovered { snapshot, changes }))
    }

    /// Appends one change and waits until it is on disk.
    pub fn append(&mut self, change: &Change) -> io::Result<()> {
        let mut line = serde_json::to_vec(change).map_err(|e| invalid(e.to_string()))?;
        line.push(b'\n');
        let written = self
            .file
            .write_all(&line)
            .and_then(|()| self.file.sync_data());
        match written {
            Ok(()) => {
                self.len += line.len() as u64;
                Ok(())
            }
            Err(e) => {
                // Cut a half-written line so that later lines stay readable.
                let _ = self.file.set_len(self.len);
                Err(e)
            }
        }
    }

    /// Writes `snapshot` atomically, then empties the journal it now contains.
    pub fn compact(&mut self, snapshot: &Snapshot) -> io::Result<()> {
        let mut temp = self.snapshot_path.clone().into_os_string();
        temp.push(".tmp");
        let temp = PathBuf::from(temp);
        let bytes = serde_json::to_vec(snapshot).map_err(|e| invalid(e.to_string()))?;
        let mut file = File::create(&temp)?;
        file.write_all(&bytes)?;
        file.sync_all()?;
        fs::rename(&temp, &self.snapshot_path)?;
        sync_dir(&self.snapshot_path)?;
        // Replaying the old journal over the new snapshot would be harmless: changes are idempotent.
        self.file.set_len(0)?;
        self.file.sync_all()?;
        self.len = 0;
        sync_dir(&self.journal_path)
    }
}

fn parse_journal(bytes: &[u8]) -> io::Result<Vec<Change>> {
    let lines: Vec<&[u8]> = bytes.split(|b| *b == b'\n').collect();
    let last = lines.len().saturating_sub(1);
    let mut changes = Vec::with_capacity(lines.len());
    for (number, line) in lines.into_iter().enumerate() {
        if line.is_empty() {
            continue;
        }
        match serde_json::from_slice(line) {
            Ok(change) => changes.push(change),
            // Only the line being written at a crash may be torn, and it has no newline yet.
            Err(_) if number == last => break,
            Err(e) => {
                return Err(invalid(format!(
                    "journal line {} is corrupt: {e}",
                    number + 1
                )))
            }
        }
    }
    Ok(changes)
}

fn sync_dir(file: &Path) -> io::Result<()> {
    let dir = match file.parent() {
        Some(dir) if !dir.as_os_str().is_empty() => dir,
        _ => Path::new("."),
    };
    File::open(dir)?.sync_all()
}

fn invalid(message: String) -> io::Error {
    io::Error::new(io::ErrorKind::InvalidData, message)
}
