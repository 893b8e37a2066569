//! The tree of branch decisions shared by all runs.

use std::rc::Rc;

use symtest_term::{Model, Term};

use crate::path::{Literal, PathConstraint};
use crate::subject::SiteId;

pub(crate) type NodeId = usize;

/// What is known about one direction of a branch.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Edge {
    /// Waiting in the frontier.
    Pending,
    /// A run went this way and reached another branch.
    Inner(NodeId),
    /// A run went this way and ended; the index is the path's.
    Leaf(usize),
    Infeasible,
    Unknown,
    /// A model was found but the run on it went elsewhere.
    Diverged,
}

pub(crate) struct Node {
    pub(crate) site: SiteId,
    pub(crate) cond: Term,
    /// `[!cond, cond]`, built once: queries reuse the same terms.
    pub(crate) literals: [Term; 2],
    /// An assumption: only its true side is ever queued.
    pub(crate) assumed: bool,
    pub(crate) parent: Option<(NodeId, bool)>,
    pub(crate) depth: u32,
    /// `[false edge, true edge]`.
    pub(crate) edges: [Edge; 2],
    /// The input of the run that created this node (it follows the node's prefix).
    pub(crate) witness: Rc<Model>,
}

#[derive(Default)]
pub(crate) struct Tree {
    pub(crate) nodes: Vec<Node>,
    pub(crate) root: Option<NodeId>,
    /// The path index of a subject with no branches at all.
    pub(crate) root_leaf: Option<usize>,
}

impl Tree {
    pub(crate) fn add(
        &mut self,
        site: SiteId,
        cond: Term,
        assumed: bool,
        parent: Option<(NodeId, bool)>,
        witness: Rc<Model>,
    ) -> NodeId {
        let depth = parent.map_or(0, |(p, _)| self.nodes[p].depth + 1);
        let literals = [!&cond, cond.clone()];
        self.nodes.push(Node {
            site,
            cond,
            literals,
            assumed,
            parent,
            depth,
            edges: [Edge::Pending, Edge::Pending],
            witness,
        });
        let id = self.nodes.len() - 1;
        match parent {
            Some((p, d)) => self.nodes[p].edges[usize::from(d)] = Edge::Inner(id),
            None => self.root = Some(id),
        }
        id
    }

    /// Puts a new assumption between `child` and its parent; `child` hangs
    /// off the assumption's true side.
    pub(crate) fn insert_above(
        &mut self,
        child: NodeId,
        site: SiteId,
        cond: Term,
        witness: Rc<Model>,
    ) -> NodeId {
        let parent = self.nodes[child].parent;
        let id = self.add(site, cond, true, parent, witness);
        self.nodes[id].edges[1] = Edge::Inner(child);
        self.nodes[child].parent = Some((id, true));
        id
    }

    pub(crate) fn edge(&self, node: NodeId, dir: bool) -> Edge {
        self.nodes[node].edges[usize::from(dir)]
    }

    pub(crate) fn set_edge(&mut self, node: NodeId, dir: bool, e: Edge) {
        self.nodes[node].edges[usize::from(dir)] = e;
    }

    /// The constraint terms from the root down to `node`, then `dir` at `node`.
    pub(crate) fn terms_to(&self, node: NodeId, dir: bool) -> Vec<Term> {
        let mut out = Vec::with_capacity(self.nodes[node].depth as usize + 1);
        let mut at = Some((node, dir));
        while let Some((n, d)) = at {
            let nd = &self.nodes[n];
            out.push(nd.literals[usize::from(d)].clone());
            at = nd.parent;
        }
        out.reverse();
        out
    }

    /// The decisions from the root down to `node`, then `dir` at `node`.
    pub(crate) fn constraint_to(&self, node: NodeId, dir: bool) -> PathConstraint {
        let mut lits = Vec::with_capacity(self.nodes[node].depth as usize + 1);
        let mut at = Some((node, dir));
        while let Some((n, d)) = at {
            let nd = &self.nodes[n];
            lits.push(Literal {
                site: nd.site,
                cond: nd.cond.clone(),
                taken: d,
                assumed: nd.assumed,
            });
            at = nd.parent;
        }
        lits.reverse();
        PathConstraint(lits)
    }
}
