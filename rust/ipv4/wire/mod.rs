// SPDX-License-Identifier: GPL-2.0

//! Packet formats, in the style of smoltcp's `wire` module.
//!
//! Each format has a `Packet<T: AsRef<[u8]>>` (or `Frame`) view over bytes:
//! `new_checked` validates lengths once; getters and setters read and write
//! fields at the offsets of a `field` module. A separate `Repr` is the
//! parsed meaning, with `parse` and `emit`.
//!
//! Nothing here panics on short or hostile input: every access goes
//! through [`read_u16`] and friends, which return 0 (getters) or do nothing
//! (setters) outside the buffer. Call `new_checked` to know the fields are
//! really there.

pub mod arp;
pub mod ethernet;
pub mod icmp;
pub mod ipv4;
pub mod udp;

#[cfg(test)]
pub(crate) mod captured;

/// Why bytes could not be parsed, or a packet not emitted.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Error {
    /// The buffer is shorter than the format needs.
    Truncated,
    /// A field holds a value the format does not allow.
    Malformed,
    /// The checksum does not verify.
    Checksum,
    /// A valid packet of a kind this code does not handle.
    Unsupported,
}

/// A byte range inside a header.
pub type Field = core::ops::Range<usize>;

/// The byte at `at`, or 0 outside `buf`.
pub fn read_u8(buf: &[u8], at: usize) -> u8 {
    buf.get(at).copied().unwrap_or(0)
}

/// The big-endian `u16` at `at`, or 0 outside `buf`.
pub fn read_u16(buf: &[u8], at: usize) -> u16 {
    match at.checked_add(2).and_then(|end| buf.get(at..end)) {
        Some(&[a, b]) => u16::from_be_bytes([a, b]),
        _ => 0,
    }
}

/// The four bytes at `at`, or zeros outside `buf`.
pub fn read_4(buf: &[u8], at: usize) -> [u8; 4] {
    match at.checked_add(4).and_then(|end| buf.get(at..end)) {
        Some(&[a, b, c, d]) => [a, b, c, d],
        _ => [0; 4],
    }
}

/// The six bytes at `at`, or zeros outside `buf`.
pub fn read_6(buf: &[u8], at: usize) -> [u8; 6] {
    match at.checked_add(6).and_then(|end| buf.get(at..end)) {
        Some(&[a, b, c, d, e, f]) => [a, b, c, d, e, f],
        _ => [0; 6],
    }
}

/// Writes `v` at `at` if it fits.
pub fn write_u8(buf: &mut [u8], at: usize, v: u8) {
    if let Some(b) = buf.get_mut(at) {
        *b = v;
    }
}

/// Writes `v` big-endian at `at` if it fits.
pub fn write_u16(buf: &mut [u8], at: usize, v: u16) {
    write_bytes(buf, at, &v.to_be_bytes());
}

/// Copies `v` to `at` if it fits entirely; does nothing otherwise.
pub fn write_bytes(buf: &mut [u8], at: usize, v: &[u8]) {
    if let Some(dst) = at.checked_add(v.len()).and_then(|end| buf.get_mut(at..end)) {
        dst.copy_from_slice(v);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn accessors_never_panic_outside_the_buffer() {
        let mut b = [1u8, 2, 3];
        assert_eq!(read_u16(&b, 1), 0x0203);
        assert_eq!(read_u16(&b, 2), 0);
        assert_eq!(read_u16(&b, usize::MAX), 0);
        assert_eq!(read_4(&b, 0), [0; 4]);
        assert_eq!(read_6(&b, usize::MAX - 1), [0; 6]);
        write_u16(&mut b, 2, 0xffff);
        write_bytes(&mut b, usize::MAX, &[1, 2]);
        write_u8(&mut b, 9, 1);
        assert_eq!(b, [1, 2, 3]);
    }
}
