;; The resampler's table filters in WebAssembly SIMD: the same filter as `renderTable` in
;; resampler.ts, computed in 32-bit floats four taps at a time. Built to
;; resampler-kernel-wasm.ts by `pnpm --filter @callstream/core run build:wasm`
;; (scripts/build-resampler-wasm.mjs); `wasm-kernel.ts` lays out the memory and calls it.
;;
;; A filter, as `wasm-kernel.ts` writes it (byte offsets, 32-bit words):
;;   0 up, 4 down, 8 whole = down / up, 12 step = down % up, 16 stride,
;;   20 center (f32 per phase), 24 combStart (i32 per phase, plus one), 28 combs.
;; A comb is four words: the whole strides and the remainder of its offset from `base`
;; (offset = q·stride + r, 0 ≤ r < stride), the address of its weights (16-byte aligned, f32)
;; and its taps / 4.
(module
  (memory (export "memory") 4)

  ;; Computes `count` outputs (rounded up to a multiple of 12) into `out` (i16). `in` holds `len`
  ;; input samples (i16), the first output's `base` is in[base] and its phase is `phase`.
  ;; `scratch` holds twelve outputs' partial sums (192 bytes), then the input as f32, split by
  ;; stride: sub-array r holds in[r], in[r + stride], … so that a comb's taps are adjacent. It
  ;; needs 192 + 4·(len + stride) + 32 bytes, 16-byte aligned.
  (func (export "render")
    (param $f i32) (param $in i32) (param $len i32) (param $base i32) (param $phase i32)
    (param $count i32) (param $out i32) (param $scratch i32)
    (local $up i32) (local $whole i32) (local $step i32) (local $s i32)
    (local $center i32) (local $combStart i32) (local $combs i32) (local $sub i32)
    (local $r i32) (local $q i32) (local $j i32) (local $src i32) (local $dst i32)
    (local $br i32) (local $bq i32) (local $n i32) (local $c i32) (local $cEnd i32)
    (local $rec i32) (local $p i32) (local $w i32) (local $g i32) (local $v i32)
    (local $k i32) (local $split i32) (local $down i32) (local $dq i32) (local $pb i32) (local $adv i32) (local $i i32) (local $paired i32)
    (local $cw f32) (local $wv v128)
    (local $acc0 v128) (local $acc1 v128) (local $acc2 v128) (local $acc3 v128)
    (local.set $up (i32.load offset=0 (local.get $f)))
    (local.set $down (i32.load offset=4 (local.get $f)))
    (local.set $whole (i32.load offset=8 (local.get $f)))
    (local.set $step (i32.load offset=12 (local.get $f)))
    (local.set $s (i32.load offset=16 (local.get $f)))
    (local.set $center (i32.load offset=20 (local.get $f)))
    (local.set $combStart (i32.load offset=24 (local.get $f)))
    (local.set $combs (i32.load offset=28 (local.get $f)))
    (local.set $split (i32.add (local.get $scratch) (i32.const 192)))
    ;; Bytes between a comb's taps for one output and for the one `down` inputs later (the
    ;; stride is 1 or down).
    (local.set $dq (i32.shl (i32.div_u (local.get $down) (local.get $s)) (i32.const 2)))
    ;; Pairs fill a block of twelve outputs when 2·up divides 12.
    (local.set $paired (i32.eqz (i32.rem_u (i32.const 12) (i32.shl (local.get $up) (i32.const 1)))))
    (local.set $sub
      (i32.div_u (i32.add (local.get $len) (i32.sub (local.get $s) (i32.const 1))) (local.get $s)))

    ;; The input as f32, split by stride.
    (if (i32.eq (local.get $s) (i32.const 1))
      (then
        ;; Eight at a time: reads up to 7 samples past `len` and writes up to 7 floats past it.
        (local.set $j (i32.const 0))
        (block $done
          (loop $next
            (br_if $done (i32.ge_u (local.get $j) (local.get $len)))
            (local.set $acc0 (v128.load (i32.add (local.get $in) (i32.shl (local.get $j) (i32.const 1)))))
            (local.set $dst (i32.add (local.get $split) (i32.shl (local.get $j) (i32.const 2))))
            (v128.store (local.get $dst)
              (f32x4.convert_i32x4_s (i32x4.extend_low_i16x8_s (local.get $acc0))))
            (v128.store offset=16 (local.get $dst)
              (f32x4.convert_i32x4_s (i32x4.extend_high_i16x8_s (local.get $acc0))))
            (local.set $j (i32.add (local.get $j) (i32.const 8)))
            (br $next))))
      (else
        (local.set $r (i32.const 0))
        (block $done
          (loop $next
            (br_if $done (i32.ge_u (local.get $r) (local.get $s)))
            (local.set $src (i32.add (local.get $in) (i32.shl (local.get $r) (i32.const 1))))
            (local.set $dst
              (i32.add (local.get $split)
                (i32.shl (i32.mul (local.get $r) (local.get $sub)) (i32.const 2))))
            (local.set $j (local.get $r))
            (block $subDone
              (loop $subNext
                (br_if $subDone (i32.ge_u (local.get $j) (local.get $len)))
                (f32.store (local.get $dst) (f32.convert_i32_s (i32.load16_s (local.get $src))))
                (local.set $src (i32.add (local.get $src) (i32.shl (local.get $s) (i32.const 1))))
                (local.set $dst (i32.add (local.get $dst) (i32.const 4)))
                (local.set $j (i32.add (local.get $j) (local.get $s)))
                (br $subNext)))
            (local.set $r (i32.add (local.get $r) (i32.const 1)))
            (br $next)))))

    ;; base = bq·stride + br, kept as such so that no output divides.
    (local.set $br (i32.rem_u (local.get $base) (local.get $s)))
    (local.set $bq (i32.div_u (local.get $base) (local.get $s)))
    (local.set $n (i32.const 0))
    (block $outDone
      (loop $outNext
        (br_if $outDone (i32.ge_u (local.get $n) (local.get $count)))
        ;; Twelve outputs: each one's four partial sums go to scratch[0 … 192), then they are
        ;; summed, rounded and stored four at a time.
        (if (local.get $paired)
          (then
            ;; up = 1, 2, 3 or 6: outputs i and i + up share their phase and sit `down` inputs
            ;; apart, so each weight is loaded once for both. The six pairs of a block start at
            ;; i = 0 … up - 1, then 2·up … 3·up - 1, and so on.
            (local.set $i (i32.const 0))
            (local.set $k (i32.const 0))
            (loop $pairNext
              (local.set $cw (f32.load (i32.add (local.get $center) (i32.shl (local.get $phase) (i32.const 2)))))
              (local.set $acc0 (f32x4.replace_lane 0 (v128.const i32x4 0 0 0 0)
                (f32.mul (local.get $cw)
                  (f32.convert_i32_s
                    (i32.load16_s (i32.add (local.get $in) (i32.shl (i32.add (local.get $base) (i32.const 0)) (i32.const 1))))))))
              (local.set $acc2 (f32x4.replace_lane 0 (v128.const i32x4 0 0 0 0)
                (f32.mul (local.get $cw)
                  (f32.convert_i32_s
                    (i32.load16_s (i32.add (local.get $in) (i32.shl (i32.add (local.get $base) (local.get $down)) (i32.const 1))))))))
              (local.set $acc1 (v128.const i32x4 0 0 0 0))
              (local.set $acc3 (v128.const i32x4 0 0 0 0))
              (local.set $p (i32.add (local.get $combStart) (i32.shl (local.get $phase) (i32.const 2))))
              (local.set $c (i32.load (local.get $p)))
              (local.set $cEnd (i32.load offset=4 (local.get $p)))
              (local.set $rec (i32.add (local.get $combs) (i32.shl (local.get $c) (i32.const 4))))
              (block $combDone
                (loop $combNext
                  (br_if $combDone (i32.ge_u (local.get $c) (local.get $cEnd)))
                  (local.set $q (i32.add (local.get $bq) (i32.load offset=0 (local.get $rec))))
                  (local.set $r (i32.add (local.get $br) (i32.load offset=4 (local.get $rec))))
                  (if (i32.ge_u (local.get $r) (local.get $s))
                    (then
                      (local.set $r (i32.sub (local.get $r) (local.get $s)))
                      (local.set $q (i32.add (local.get $q) (i32.const 1)))))
                  (local.set $p
                    (i32.add (local.get $split)
                      (i32.shl (i32.add (i32.mul (local.get $r) (local.get $sub)) (local.get $q))
                        (i32.const 2))))
                  (local.set $pb (i32.add (local.get $p) (local.get $dq)))
                  (local.set $w (i32.load offset=8 (local.get $rec)))
                  (local.set $g (i32.load offset=12 (local.get $rec)))
                  (block $quadsDone
                    (loop $quadsNext
                      (br_if $quadsDone (i32.lt_u (local.get $g) (i32.const 4)))
                      (local.set $wv (v128.load offset=0 align=16 (local.get $w)))
                      (local.set $acc0
                        (f32x4.add (local.get $acc0) (f32x4.mul (v128.load offset=0 (local.get $p)) (local.get $wv))))
                      (local.set $acc2
                        (f32x4.add (local.get $acc2) (f32x4.mul (v128.load offset=0 (local.get $pb)) (local.get $wv))))
                      (local.set $wv (v128.load offset=16 align=16 (local.get $w)))
                      (local.set $acc1
                        (f32x4.add (local.get $acc1) (f32x4.mul (v128.load offset=16 (local.get $p)) (local.get $wv))))
                      (local.set $acc3
                        (f32x4.add (local.get $acc3) (f32x4.mul (v128.load offset=16 (local.get $pb)) (local.get $wv))))
                      (local.set $wv (v128.load offset=32 align=16 (local.get $w)))
                      (local.set $acc0
                        (f32x4.add (local.get $acc0) (f32x4.mul (v128.load offset=32 (local.get $p)) (local.get $wv))))
                      (local.set $acc2
                        (f32x4.add (local.get $acc2) (f32x4.mul (v128.load offset=32 (local.get $pb)) (local.get $wv))))
                      (local.set $wv (v128.load offset=48 align=16 (local.get $w)))
                      (local.set $acc1
                        (f32x4.add (local.get $acc1) (f32x4.mul (v128.load offset=48 (local.get $p)) (local.get $wv))))
                      (local.set $acc3
                        (f32x4.add (local.get $acc3) (f32x4.mul (v128.load offset=48 (local.get $pb)) (local.get $wv))))
                      (local.set $p (i32.add (local.get $p) (i32.const 64)))
                      (local.set $pb (i32.add (local.get $pb) (i32.const 64)))
                      (local.set $w (i32.add (local.get $w) (i32.const 64)))
                      (local.set $g (i32.sub (local.get $g) (i32.const 4)))
                      (br $quadsNext)))
                  (if (i32.and (local.get $g) (i32.const 2))
                    (then
                      (local.set $wv (v128.load offset=0 align=16 (local.get $w)))
                      (local.set $acc0
                        (f32x4.add (local.get $acc0) (f32x4.mul (v128.load offset=0 (local.get $p)) (local.get $wv))))
                      (local.set $acc2
                        (f32x4.add (local.get $acc2) (f32x4.mul (v128.load offset=0 (local.get $pb)) (local.get $wv))))
                      (local.set $wv (v128.load offset=16 align=16 (local.get $w)))
                      (local.set $acc1
                        (f32x4.add (local.get $acc1) (f32x4.mul (v128.load offset=16 (local.get $p)) (local.get $wv))))
                      (local.set $acc3
                        (f32x4.add (local.get $acc3) (f32x4.mul (v128.load offset=16 (local.get $pb)) (local.get $wv))))
                      (local.set $p (i32.add (local.get $p) (i32.const 32)))
                      (local.set $pb (i32.add (local.get $pb) (i32.const 32)))
                      (local.set $w (i32.add (local.get $w) (i32.const 32)))))
                  (if (i32.and (local.get $g) (i32.const 1))
                    (then
                      (local.set $wv (v128.load offset=0 align=16 (local.get $w)))
                      (local.set $acc0
                        (f32x4.add (local.get $acc0) (f32x4.mul (v128.load offset=0 (local.get $p)) (local.get $wv))))
                      (local.set $acc2
                        (f32x4.add (local.get $acc2) (f32x4.mul (v128.load offset=0 (local.get $pb)) (local.get $wv))))))
                  (local.set $c (i32.add (local.get $c) (i32.const 1)))
                  (local.set $rec (i32.add (local.get $rec) (i32.const 16)))
                  (br $combNext)))
              (v128.store align=16 (i32.add (local.get $scratch) (i32.shl (local.get $i) (i32.const 4)))
                (f32x4.add (local.get $acc0) (local.get $acc1)))
              (v128.store align=16
                (i32.add (local.get $scratch) (i32.shl (i32.add (local.get $i) (local.get $up)) (i32.const 4)))
                (f32x4.add (local.get $acc2) (local.get $acc3)))
              ;; On to the next pair's first output: the next one, or past the pairs' second
              ;; outputs after every `up` pairs.
              (local.set $k (i32.add (local.get $k) (i32.const 1)))
              (local.set $adv
                (select (i32.add (local.get $up) (i32.const 1)) (i32.const 1)
                  (i32.eqz (i32.rem_u (local.get $k) (local.get $up)))))
              (local.set $i (i32.add (local.get $i) (local.get $adv)))
              (loop $advNext
                (local.set $j (local.get $whole))
                (local.set $phase (i32.add (local.get $phase) (local.get $step)))
                (if (i32.ge_u (local.get $phase) (local.get $up))
                  (then
                    (local.set $phase (i32.sub (local.get $phase) (local.get $up)))
                    (local.set $j (i32.add (local.get $j) (i32.const 1)))))
                (local.set $base (i32.add (local.get $base) (local.get $j)))
                (local.set $br (i32.add (local.get $br) (local.get $j)))
                (block $brDone2
                  (loop $brNext2
                    (br_if $brDone2 (i32.lt_u (local.get $br) (local.get $s)))
                    (local.set $br (i32.sub (local.get $br) (local.get $s)))
                    (local.set $bq (i32.add (local.get $bq) (i32.const 1)))
                    (br $brNext2)))
                (local.set $adv (i32.sub (local.get $adv) (i32.const 1)))
                (br_if $advNext (local.get $adv)))
              (br_if $pairNext (i32.lt_u (local.get $k) (i32.const 6))))
          )
          (else
            (local.set $k (i32.const 0))
            (loop $oneNext
              ;; The center tap (weight 0 in phases that have none), then the combs.
              (local.set $acc0
                (f32x4.replace_lane 0 (v128.const i32x4 0 0 0 0)
                  (f32.mul
                    (f32.load (i32.add (local.get $center) (i32.shl (local.get $phase) (i32.const 2))))
                    (f32.convert_i32_s
                      (i32.load16_s
                        (i32.add (local.get $in) (i32.shl (local.get $base) (i32.const 1))))))))
              (local.set $acc1 (v128.const i32x4 0 0 0 0))
              (local.set $p (i32.add (local.get $combStart) (i32.shl (local.get $phase) (i32.const 2))))
              (local.set $c (i32.load (local.get $p)))
              (local.set $cEnd (i32.load offset=4 (local.get $p)))
              (local.set $rec (i32.add (local.get $combs) (i32.shl (local.get $c) (i32.const 4))))
              (block $combDone
                (loop $combNext
                  (br_if $combDone (i32.ge_u (local.get $c) (local.get $cEnd)))
                  (local.set $q (i32.add (local.get $bq) (i32.load offset=0 (local.get $rec))))
                  (local.set $r (i32.add (local.get $br) (i32.load offset=4 (local.get $rec))))
                  (if (i32.ge_u (local.get $r) (local.get $s))
                    (then
                      (local.set $r (i32.sub (local.get $r) (local.get $s)))
                      (local.set $q (i32.add (local.get $q) (i32.const 1)))))
                  (local.set $p
                    (i32.add (local.get $split)
                      (i32.shl (i32.add (i32.mul (local.get $r) (local.get $sub)) (local.get $q))
                        (i32.const 2))))
                  (local.set $w (i32.load offset=8 (local.get $rec)))
                  (local.set $g (i32.load offset=12 (local.get $rec)))
                  ;; Two accumulators, so that the additions overlap; sixteen taps a step.
                  (block $quadsDone
                    (loop $quadsNext
                      (br_if $quadsDone (i32.lt_u (local.get $g) (i32.const 4)))
                      (local.set $acc0
                        (f32x4.add (local.get $acc0)
                          (f32x4.mul (v128.load offset=0 (local.get $p))
                            (v128.load offset=0 align=16 (local.get $w)))))
                      (local.set $acc1
                        (f32x4.add (local.get $acc1)
                          (f32x4.mul (v128.load offset=16 (local.get $p))
                            (v128.load offset=16 align=16 (local.get $w)))))
                      (local.set $acc0
                        (f32x4.add (local.get $acc0)
                          (f32x4.mul (v128.load offset=32 (local.get $p))
                            (v128.load offset=32 align=16 (local.get $w)))))
                      (local.set $acc1
                        (f32x4.add (local.get $acc1)
                          (f32x4.mul (v128.load offset=48 (local.get $p))
                            (v128.load offset=48 align=16 (local.get $w)))))
                      (local.set $p (i32.add (local.get $p) (i32.const 64)))
                      (local.set $w (i32.add (local.get $w) (i32.const 64)))
                      (local.set $g (i32.sub (local.get $g) (i32.const 4)))
                      (br $quadsNext)))
                  (if (i32.and (local.get $g) (i32.const 2))
                    (then
                      (local.set $acc0
                        (f32x4.add (local.get $acc0)
                          (f32x4.mul (v128.load offset=0 (local.get $p))
                            (v128.load offset=0 align=16 (local.get $w)))))
                      (local.set $acc1
                        (f32x4.add (local.get $acc1)
                          (f32x4.mul (v128.load offset=16 (local.get $p))
                            (v128.load offset=16 align=16 (local.get $w)))))
                      (local.set $p (i32.add (local.get $p) (i32.const 32)))
                      (local.set $w (i32.add (local.get $w) (i32.const 32)))))
                  (if (i32.and (local.get $g) (i32.const 1))
                    (then
                      (local.set $acc0
                        (f32x4.add (local.get $acc0)
                          (f32x4.mul (v128.load offset=0 (local.get $p))
                            (v128.load offset=0 align=16 (local.get $w)))))))
                  (local.set $c (i32.add (local.get $c) (i32.const 1)))
                  (local.set $rec (i32.add (local.get $rec) (i32.const 16)))
                  (br $combNext)))
              (v128.store align=16 (i32.add (local.get $scratch) (i32.shl (local.get $k) (i32.const 4)))
                (f32x4.add (local.get $acc0) (local.get $acc1)))
              ;; The next output is down/up inputs on: `whole` inputs and `step` phases.
              (local.set $j (local.get $whole))
              (local.set $phase (i32.add (local.get $phase) (local.get $step)))
              (if (i32.ge_u (local.get $phase) (local.get $up))
                (then
                  (local.set $phase (i32.sub (local.get $phase) (local.get $up)))
                  (local.set $j (i32.add (local.get $j) (i32.const 1)))))
              (local.set $base (i32.add (local.get $base) (local.get $j)))
              (local.set $br (i32.add (local.get $br) (local.get $j)))
              (block $brDone
                (loop $brNext
                  (br_if $brDone (i32.lt_u (local.get $br) (local.get $s)))
                  (local.set $br (i32.sub (local.get $br) (local.get $s)))
                  (local.set $bq (i32.add (local.get $bq) (i32.const 1)))
                  (br $brNext)))
              (local.set $k (i32.add (local.get $k) (i32.const 1)))
              (br_if $oneNext (i32.lt_u (local.get $k) (i32.const 12))))
          ))
        ;; Sum the lanes of each output's partial sums: (l0 + l2) + (l1 + l3), four outputs at once.
        (local.set $k (i32.const 0))
        (loop $sumNext
          (local.set $p (i32.add (local.get $scratch) (i32.shl (local.get $k) (i32.const 6))))
          (local.set $w
            (i32.add (local.get $out) (i32.shl (i32.add (local.get $n) (i32.shl (local.get $k) (i32.const 2))) (i32.const 1))))
          (local.set $acc0 (v128.load align=16 (local.get $p)))
          (local.set $acc1 (v128.load offset=16 align=16 (local.get $p)))
          (local.set $acc2
          (f32x4.add
            (i8x16.shuffle 0 1 2 3 16 17 18 19 4 5 6 7 20 21 22 23 (local.get $acc0) (local.get $acc1))
            (i8x16.shuffle 8 9 10 11 24 25 26 27 12 13 14 15 28 29 30 31 (local.get $acc0) (local.get $acc1))))
          (local.set $acc0 (v128.load offset=32 align=16 (local.get $p)))
          (local.set $acc1 (v128.load offset=48 align=16 (local.get $p)))
          (local.set $acc3
          (f32x4.add
            (i8x16.shuffle 0 1 2 3 16 17 18 19 4 5 6 7 20 21 22 23 (local.get $acc0) (local.get $acc1))
            (i8x16.shuffle 8 9 10 11 24 25 26 27 12 13 14 15 28 29 30 31 (local.get $acc0) (local.get $acc1))))
          (local.set $acc0
          (f32x4.add
            (i8x16.shuffle 0 1 2 3 4 5 6 7 16 17 18 19 20 21 22 23 (local.get $acc2) (local.get $acc3))
            (i8x16.shuffle 8 9 10 11 12 13 14 15 24 25 26 27 28 29 30 31 (local.get $acc2) (local.get $acc3))))
          ;; Rounded as Math.round does (halves up), then narrowed to 16 bits with saturation.
          (local.set $acc1 (f32x4.ceil (local.get $acc0)))
          (local.set $acc1
          (f32x4.sub (local.get $acc1)
            (v128.and
              (f32x4.gt (f32x4.sub (local.get $acc1) (v128.const f32x4 0.5 0.5 0.5 0.5)) (local.get $acc0))
              (v128.const f32x4 1 1 1 1))))
          (local.set $acc1 (i32x4.trunc_sat_f32x4_s (local.get $acc1)))
          (v128.store64_lane 0 (local.get $w)
          (i16x8.narrow_i32x4_s (local.get $acc1) (local.get $acc1)))
          (local.set $k (i32.add (local.get $k) (i32.const 1)))
          (br_if $sumNext (i32.lt_u (local.get $k) (i32.const 3))))
        (local.set $n (i32.add (local.get $n) (i32.const 12)))
        (br $outNext)))))
