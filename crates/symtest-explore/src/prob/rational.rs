//! Exact probabilities written out: as a fraction, as a decimal, as an `f64`.

use num_traits::{Signed, ToPrimitive, Zero};
use symtest_term::{BigInt, BigRational};

/// A rational as a person writes it: `3/10`, `-2`, `1/3`.
pub fn ratio(r: &BigRational) -> String {
    if r.is_integer() {
        r.numer().to_string()
    } else {
        format!("{}/{}", r.numer(), r.denom())
    }
}

/// A rational as a decimal with at most `digits` digits after the point,
/// rounded half away from zero, trailing zeros dropped.
pub fn decimal(r: &BigRational, digits: u32) -> String {
    let scale = BigInt::from(10).pow(digits);
    let scaled = r.abs() * BigRational::from_integer(scale.clone());
    let rounded = (scaled + BigRational::new(1.into(), 2.into()))
        .floor()
        .to_integer();
    let int_part = &rounded / &scale;
    let frac = &rounded % &scale;
    let sign = if r.is_negative() && !rounded.is_zero() {
        "-"
    } else {
        ""
    };
    if frac.is_zero() {
        return format!("{sign}{int_part}");
    }
    let frac = format!("{:0>width$}", frac, width = digits as usize);
    format!("{sign}{int_part}.{}", frac.trim_end_matches('0'))
}

/// The nearest `f64`, for JSON consumers that want a number.
pub fn to_f64(r: &BigRational) -> f64 {
    r.to_f64().unwrap_or(f64::NAN)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rationals_print_both_ways() {
        let third = BigRational::new(1.into(), 3.into());
        assert_eq!(ratio(&third), "1/3");
        assert_eq!(decimal(&third, 6), "0.333333");
        assert_eq!(decimal(&BigRational::new(2.into(), 3.into()), 4), "0.6667");
        assert_eq!(
            decimal(&BigRational::new(13.into(), 125.into()), 10),
            "0.104"
        );
        assert_eq!(decimal(&BigRational::from_integer(1.into()), 6), "1");
        assert_eq!(
            decimal(&BigRational::new((-1).into(), 4.into()), 6),
            "-0.25"
        );
        assert_eq!(ratio(&BigRational::from_integer((-2).into())), "-2");
    }
}
