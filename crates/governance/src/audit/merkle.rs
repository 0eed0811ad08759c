//! The Merkle tree of RFC 9162 (Certificate Transparency 2.0), § 2.1.
//!
//! Why this exact construction: a log that third parties can check must hash the way their
//! verifiers do. RFC 9162 fixes every detail — leaves are hashed as `SHA-256(0x00 ‖ entry)`,
//! interior nodes as `SHA-256(0x01 ‖ left ‖ right)`, a tree of `n` leaves splits at the largest
//! power of two strictly below `n`, and the empty tree's root is `SHA-256("")` — and the domain
//! separation between leaves and nodes is what stops an attacker from passing off an interior node
//! as a leaf.
//!
//! The tree is never held whole. A [`NodeSource`] hands out the hash of any *complete* subtree
//! (level `l`, index `i` covers leaves `i·2ˡ .. (i+1)·2ˡ`); every left subtree in the RFC's
//! recursion is complete and aligned, so roots and proofs need only `O(log n)` stored nodes plus a
//! few recomputed ones on the right edge.

use sha2::{Digest, Sha256};

/// A SHA-256 hash.
pub type Hash = [u8; 32];

/// The root of the empty tree, `SHA-256("")`.
pub const EMPTY_ROOT: Hash = [
    0xe3, 0xb0, 0xc4, 0x42, 0x98, 0xfc, 0x1c, 0x14, 0x9a, 0xfb, 0xf4, 0xc8, 0x99, 0x6f, 0xb9, 0x24,
    0x27, 0xae, 0x41, 0xe4, 0x64, 0x9b, 0x93, 0x4c, 0xa4, 0x95, 0x99, 0x1b, 0x78, 0x52, 0xb8, 0x55,
];

/// `SHA-256(0x00 ‖ entry)`.
pub fn leaf_hash(entry: &[u8]) -> Hash {
    let mut h = Sha256::new();
    h.update([0u8]);
    h.update(entry);
    h.finalize().into()
}

/// `SHA-256(0x01 ‖ left ‖ right)`.
pub fn node_hash(left: &Hash, right: &Hash) -> Hash {
    let mut h = Sha256::new();
    h.update([1u8]);
    h.update(left);
    h.update(right);
    h.finalize().into()
}

/// The largest power of two strictly less than `n` (`n ≥ 2`).
pub fn split_point(n: u64) -> u64 {
    debug_assert!(n >= 2);
    1u64 << (63 - (n - 1).leading_zeros())
}

/// Where the hashes of complete subtrees come from (memory, or the store).
pub trait NodeSource {
    /// The error reading a node.
    type Error;
    /// The hash of the complete subtree at `level` and `index` (leaves `index·2^level ..`).
    fn node(&self, level: u32, index: u64) -> Result<Hash, Self::Error>;
}

/// The Merkle tree hash of leaves `start..end`, per RFC 9162 § 2.1.1.
///
/// `start` must be aligned the way the RFC's recursion aligns it (a multiple of the largest
/// power of two not above `end - start`); every call this module makes satisfies that.
pub fn subtree_root<S: NodeSource>(source: &S, start: u64, end: u64) -> Result<Hash, S::Error> {
    let n = end - start;
    if n == 0 {
        return Ok(EMPTY_ROOT);
    }
    if n.is_power_of_two() && start.is_multiple_of(n) {
        let level = n.trailing_zeros();
        return source.node(level, start >> level);
    }
    let k = split_point(n);
    let left = subtree_root(source, start, start + k)?;
    let right = subtree_root(source, start + k, end)?;
    Ok(node_hash(&left, &right))
}

/// The root of the first `size` leaves.
pub fn root<S: NodeSource>(source: &S, size: u64) -> Result<Hash, S::Error> {
    subtree_root(source, 0, size)
}

/// The audit path of leaf `index` in the tree of the first `size` leaves (RFC 9162 § 2.1.3.1),
/// from the leaf's sibling up to the root's child.
pub fn inclusion_path<S: NodeSource>(
    source: &S,
    index: u64,
    size: u64,
) -> Result<Vec<Hash>, S::Error> {
    let mut path = Vec::new();
    path_into(source, index, 0, size, &mut path)?;
    Ok(path)
}

fn path_into<S: NodeSource>(
    source: &S,
    m: u64,
    start: u64,
    end: u64,
    out: &mut Vec<Hash>,
) -> Result<(), S::Error> {
    let n = end - start;
    if n <= 1 {
        return Ok(());
    }
    let k = split_point(n);
    if m < k {
        path_into(source, m, start, start + k, out)?;
        out.push(subtree_root(source, start + k, end)?);
    } else {
        path_into(source, m - k, start + k, end, out)?;
        out.push(subtree_root(source, start, start + k)?);
    }
    Ok(())
}

/// The consistency proof between the trees of the first `old` and first `new` leaves
/// (RFC 9162 § 2.1.4.1).
pub fn consistency_path<S: NodeSource>(
    source: &S,
    old: u64,
    new: u64,
) -> Result<Vec<Hash>, S::Error> {
    let mut path = Vec::new();
    if old == 0 || old >= new {
        return Ok(path);
    }
    subproof_into(source, old, 0, new, true, &mut path)?;
    Ok(path)
}

fn subproof_into<S: NodeSource>(
    source: &S,
    m: u64,
    start: u64,
    end: u64,
    complete: bool,
    out: &mut Vec<Hash>,
) -> Result<(), S::Error> {
    let n = end - start;
    if m == n {
        if !complete {
            out.push(subtree_root(source, start, end)?);
        }
        return Ok(());
    }
    let k = split_point(n);
    if m <= k {
        subproof_into(source, m, start, start + k, complete, out)?;
        out.push(subtree_root(source, start + k, end)?);
    } else {
        subproof_into(source, m - k, start + k, end, false, out)?;
        out.push(subtree_root(source, start, start + k)?);
    }
    Ok(())
}

/// Why a proof does not verify.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ProofError {
    /// The leaf index is not inside the tree.
    #[error("leaf index {index} is not inside a tree of {size} entries")]
    IndexOutOfRange {
        /// Leaf index.
        index: u64,
        /// Tree size.
        size: u64,
    },
    /// The proof has the wrong number of hashes for these sizes.
    #[error("the proof has the wrong length for this leaf and tree size")]
    WrongLength,
    /// The recomputed root differs from the expected root.
    #[error("the proof leads to root {computed}, expected {expected}")]
    RootMismatch {
        /// Hex of the root the proof leads to.
        computed: String,
        /// Hex of the root expected.
        expected: String,
    },
    /// The sizes are not a valid pair (old larger than new, or old zero).
    #[error("old size {old} and new size {new} cannot be proven consistent")]
    BadSizes {
        /// Old size.
        old: u64,
        /// New size.
        new: u64,
    },
}

/// Verifies an inclusion proof, per the algorithm of RFC 9162 § 2.1.3.2.
pub fn verify_inclusion(
    leaf: &Hash,
    index: u64,
    size: u64,
    path: &[Hash],
    expected_root: &Hash,
) -> Result<(), ProofError> {
    if index >= size {
        return Err(ProofError::IndexOutOfRange { index, size });
    }
    let mut fnode = index;
    let mut snode = size - 1;
    let mut r = *leaf;
    for p in path {
        if snode == 0 {
            return Err(ProofError::WrongLength);
        }
        if fnode & 1 == 1 || fnode == snode {
            r = node_hash(p, &r);
            if fnode & 1 == 0 {
                while fnode & 1 == 0 && fnode != 0 {
                    fnode >>= 1;
                    snode >>= 1;
                }
            }
        } else {
            r = node_hash(&r, p);
        }
        fnode >>= 1;
        snode >>= 1;
    }
    if snode != 0 {
        return Err(ProofError::WrongLength);
    }
    if &r != expected_root {
        return Err(ProofError::RootMismatch {
            computed: hex(&r),
            expected: hex(expected_root),
        });
    }
    Ok(())
}

/// Verifies a consistency proof, per the algorithm of RFC 9162 § 2.1.4.2.
pub fn verify_consistency(
    old: u64,
    new: u64,
    old_root: &Hash,
    new_root: &Hash,
    proof: &[Hash],
) -> Result<(), ProofError> {
    if old > new || old == 0 {
        return Err(ProofError::BadSizes { old, new });
    }
    if old == new {
        return if proof.is_empty() && old_root == new_root {
            Ok(())
        } else if !proof.is_empty() {
            Err(ProofError::WrongLength)
        } else {
            Err(ProofError::RootMismatch {
                computed: hex(old_root),
                expected: hex(new_root),
            })
        };
    }
    let mut path: Vec<Hash> = Vec::with_capacity(proof.len() + 1);
    if old.is_power_of_two() {
        path.push(*old_root);
    }
    path.extend_from_slice(proof);
    let Some((first, rest)) = path.split_first() else {
        return Err(ProofError::WrongLength);
    };
    let mut fnode = old - 1;
    let mut snode = new - 1;
    while fnode & 1 == 1 {
        fnode >>= 1;
        snode >>= 1;
    }
    let mut fr = *first;
    let mut sr = *first;
    for c in rest {
        if snode == 0 {
            return Err(ProofError::WrongLength);
        }
        if fnode & 1 == 1 || fnode == snode {
            fr = node_hash(c, &fr);
            sr = node_hash(c, &sr);
            if fnode & 1 == 0 {
                while fnode & 1 == 0 && fnode != 0 {
                    fnode >>= 1;
                    snode >>= 1;
                }
            }
        } else {
            sr = node_hash(&sr, c);
        }
        fnode >>= 1;
        snode >>= 1;
    }
    if snode != 0 {
        return Err(ProofError::WrongLength);
    }
    if &fr != old_root {
        return Err(ProofError::RootMismatch {
            computed: hex(&fr),
            expected: hex(old_root),
        });
    }
    if &sr != new_root {
        return Err(ProofError::RootMismatch {
            computed: hex(&sr),
            expected: hex(new_root),
        });
    }
    Ok(())
}

/// Lower-case hex of a hash.
pub fn hex(h: &[u8]) -> String {
    const DIGITS: &[u8; 16] = b"0123456789abcdef";
    let mut s = String::with_capacity(h.len() * 2);
    for b in h {
        s.push(DIGITS[(b >> 4) as usize] as char);
        s.push(DIGITS[(b & 15) as usize] as char);
    }
    s
}

/// Parses 64 hex digits into a hash.
pub fn parse_hex(s: &str) -> Option<Hash> {
    let bytes = s.as_bytes();
    if bytes.len() != 64 {
        return None;
    }
    let mut out = [0u8; 32];
    for (i, pair) in bytes.chunks(2).enumerate() {
        let hi = (pair[0] as char).to_digit(16)?;
        let lo = (pair[1] as char).to_digit(16)?;
        out[i] = (hi * 16 + lo) as u8;
    }
    Some(out)
}

/// A tree held in memory, level by level: the complete-subtree hashes of every level.
///
/// Used for verification (recomputing a stored log from its entries) and in tests; the
/// persistent log keeps the same levels in the store.
#[derive(Clone, Debug, Default)]
pub struct MemoryTree {
    levels: Vec<Vec<Hash>>,
}

impl MemoryTree {
    /// An empty tree.
    pub fn new() -> MemoryTree {
        MemoryTree::default()
    }

    /// Appends a leaf hash, completing parent nodes as they fill.
    pub fn push(&mut self, leaf: Hash) {
        if self.levels.is_empty() {
            self.levels.push(Vec::new());
        }
        self.levels[0].push(leaf);
        let mut level = 0;
        while self.levels[level].len().is_multiple_of(2) {
            let n = self.levels[level].len();
            let parent = node_hash(&self.levels[level][n - 2], &self.levels[level][n - 1]);
            if self.levels.len() == level + 1 {
                self.levels.push(Vec::new());
            }
            self.levels[level + 1].push(parent);
            level += 1;
        }
    }

    /// Number of leaves.
    pub fn size(&self) -> u64 {
        self.levels.first().map_or(0, |l| l.len() as u64)
    }

    /// The root of the whole tree.
    pub fn root(&self) -> Hash {
        match root(self, self.size()) {
            Ok(h) => h,
            Err(never) => match never {},
        }
    }

    /// The complete-subtree hashes of one level.
    pub fn level(&self, level: usize) -> &[Hash] {
        self.levels.get(level).map_or(&[], |l| l.as_slice())
    }
}

impl NodeSource for MemoryTree {
    type Error = std::convert::Infallible;
    fn node(&self, level: u32, index: u64) -> Result<Hash, Self::Error> {
        Ok(self.levels[level as usize][index as usize])
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn tree(n: u64) -> MemoryTree {
        let mut t = MemoryTree::new();
        for i in 0..n {
            t.push(leaf_hash(&i.to_be_bytes()));
        }
        t
    }

    /// MTH by the RFC's definition, straight from the leaves.
    fn reference_root(leaves: &[Hash]) -> Hash {
        match leaves.len() {
            0 => EMPTY_ROOT,
            1 => leaves[0],
            n => {
                let k = split_point(n as u64) as usize;
                node_hash(&reference_root(&leaves[..k]), &reference_root(&leaves[k..]))
            }
        }
    }

    #[test]
    fn empty_root_is_sha256_of_nothing() {
        let h: Hash = Sha256::digest(b"").into();
        assert_eq!(h, EMPTY_ROOT);
        assert_eq!(MemoryTree::new().root(), EMPTY_ROOT);
    }

    #[test]
    fn split_point_is_largest_power_of_two_below() {
        assert_eq!(split_point(2), 1);
        assert_eq!(split_point(3), 2);
        assert_eq!(split_point(4), 2);
        assert_eq!(split_point(5), 4);
        assert_eq!(split_point(8), 4);
        assert_eq!(split_point(9), 8);
    }

    #[test]
    fn roots_match_the_definition_for_every_size_to_70() {
        for n in 0..70u64 {
            let t = tree(n);
            assert_eq!(t.root(), reference_root(t.level(0)), "size {n}");
            for m in 0..=n {
                assert_eq!(
                    root(&t, m).unwrap(),
                    reference_root(&t.level(0)[..m as usize])
                );
            }
        }
    }

    #[test]
    fn every_inclusion_and_consistency_proof_verifies_and_tampering_fails() {
        for n in 1..40u64 {
            let t = tree(n);
            for size in 1..=n {
                let r = root(&t, size).unwrap();
                for i in 0..size {
                    let path = inclusion_path(&t, i, size).unwrap();
                    let leaf = t.level(0)[i as usize];
                    verify_inclusion(&leaf, i, size, &path, &r).unwrap();
                    let mut bad = leaf;
                    bad[0] ^= 1;
                    assert!(verify_inclusion(&bad, i, size, &path, &r).is_err());
                    if size > 1 {
                        assert!(verify_inclusion(&leaf, (i + 1) % size, size, &path, &r).is_err());
                    }
                }
                for old in 1..=size {
                    let proof = consistency_path(&t, old, size).unwrap();
                    let old_root = root(&t, old).unwrap();
                    verify_consistency(old, size, &old_root, &r, &proof)
                        .unwrap_or_else(|e| panic!("{old}->{size}: {e}"));
                    if old < size {
                        let mut wrong = old_root;
                        wrong[5] ^= 0x10;
                        assert!(verify_consistency(old, size, &wrong, &r, &proof).is_err());
                    }
                }
            }
        }
    }

    #[test]
    fn hex_round_trips() {
        let h = leaf_hash(b"x");
        assert_eq!(parse_hex(&hex(&h)), Some(h));
        assert_eq!(parse_hex("zz"), None);
    }
}
