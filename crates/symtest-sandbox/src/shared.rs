//! The settings every worker of a pool shares, and what the workers record
//! in it (the plans of test code, the timed isolation steps).

use std::collections::HashMap;
use std::ffi::CString;
use std::path::PathBuf;
use std::sync::{Arc, Mutex, PoisonError};

use crate::cgroup;
use crate::config::Limits;
use crate::error::SandboxError;
use crate::host_jobs::HostJobs;
use crate::isolation;
use crate::view;
use crate::wire;

/// Settings every worker of a pool shares.
pub(crate) struct Shared {
    pub(crate) python: PathBuf,
    pub(crate) scratch: PathBuf,
    pub(crate) namespaces: libc::c_int,
    pub(crate) user_namespace: bool,
    pub(crate) view: Option<view::Plan>,
    /// Without a view: the pool's folder on the host for the jobs' folders.
    pub(crate) host_jobs: Option<HostJobs>,
    pub(crate) work_options: CString,
    pub(crate) landlock_abi: i32,
    pub(crate) base_filters: Vec<seccompiler::BpfProgram>,
    pub(crate) job_filter: Vec<u8>,
    pub(crate) root: bool,
    pub(crate) limits: Limits,
    pub(crate) uid_base: u32,
    /// Declared before `_pool_groups`: closed before the folders go.
    pub(crate) groups: Vec<cgroup::SlotGroup>,
    pub(crate) _pool_groups: Option<cgroup::PoolGroups>,
    pub(crate) plans: Mutex<HashMap<u64, Arc<[wire::PlannedCall]>>>,
    pub(crate) profile: bool,
    /// Per step: total nanoseconds and how many times, in first-seen order.
    pub(crate) steps: Mutex<Vec<(String, u128, u64)>>,
}

impl Shared {
    pub(crate) fn job_uid(&self, slot: usize) -> Option<u32> {
        self.root.then(|| self.uid_base + slot as u32)
    }

    pub(crate) fn user_maps(&self) -> Option<isolation::UserMaps> {
        self.user_namespace
            .then(isolation::UserMaps::for_current_user)
    }

    pub(crate) fn view(&self) -> Result<Option<view::Prepared>, SandboxError> {
        self.view
            .as_ref()
            .map(|p| view::Prepared::new(p, &self.scratch))
            .transpose()
    }

    pub(crate) fn group(&self, slot: usize) -> Option<&cgroup::SlotGroup> {
        self.groups.get(slot)
    }

    pub(crate) fn cgroup_fds(&self, slot: usize) -> Vec<i32> {
        self.group(slot)
            .map(cgroup::SlotGroup::proc_fds)
            .unwrap_or_default()
    }

    pub(crate) fn plan(&self, key: u64) -> Option<Arc<[wire::PlannedCall]>> {
        self.plans
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .get(&key)
            .cloned()
    }

    /// Adds timed steps reported by a worker or job.
    pub(crate) fn record_steps(&self, steps: &[wire::Step]) {
        let mut all = self.steps.lock().unwrap_or_else(PoisonError::into_inner);
        for wire::Step { name, ns } in steps {
            let ns = u128::from(*ns);
            match all.iter().position(|(n, _, _)| n == name) {
                Some(i) => {
                    all[i].1 += ns;
                    all[i].2 += 1;
                }
                None if all.len() < 64 => all.push((wire::cut(name, 60), ns, 1)),
                None => {}
            }
        }
    }

    pub(crate) fn keep_plan(&self, key: u64, plan: Arc<[wire::PlannedCall]>) {
        let mut plans = self.plans.lock().unwrap_or_else(PoisonError::into_inner);
        if plans.len() > 4096 {
            plans.clear();
        }
        plans.insert(key, plan);
    }
}

impl Drop for Shared {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.scratch);
    }
}
