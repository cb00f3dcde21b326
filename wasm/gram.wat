;; The centred Gram matrix G_ij = Σ_t (x_i,t − x̄_i)(x_j,t − x̄_j) in WebAssembly SIMD (f64x2), the kernel behind
;; covarianceMatrix / correlationMatrix (src/risk/gram.ts). `npm run build:wasm` (wasm/build.mjs, wabt from npm)
;; assembles this file into src/risk/gram-wasm-binary.ts; test/unit/risk/gram.test.ts checks that the committed
;; binary is this source and that the results equal the TypeScript reference kernel (referenceCentredGram).
;;
;; Memory layout, set up by src/risk/gram-wasm.ts: `rows` series of `stride` bytes each, one after another from
;; address `x`. `stride` is a multiple of 16 (two days per f64x2) and `rows` a multiple of 4; the padding (days
;; past the end of a row, rows past the last series) is zero, so it adds nothing to any sum.
;;
;; The multiply-adds are f64x2.relaxed_madd: one fused instruction (vfmadd231pd) where the CPU has FMA, a
;; multiply and an add where it does not, so the last bits may differ between such machines (not between runs).
(module
  (memory (export "memory") 1)

  ;; Σ of `count` f64 values from `p`: four f64x2 accumulators (8 values per step) so the additions overlap.
  (func $sum (param $p i32) (param $count i32) (result f64)
    (local $end i32) (local $s0 v128) (local $s1 v128) (local $s2 v128) (local $s3 v128) (local $total f64)
    (local.set $end (i32.add (local.get $p) (i32.shl (i32.and (local.get $count) (i32.const -8)) (i32.const 3))))
    (block $done
      (loop $eights
        (br_if $done (i32.ge_u (local.get $p) (local.get $end)))
        (local.set $s0 (f64x2.add (local.get $s0) (v128.load offset=0 (local.get $p))))
        (local.set $s1 (f64x2.add (local.get $s1) (v128.load offset=16 (local.get $p))))
        (local.set $s2 (f64x2.add (local.get $s2) (v128.load offset=32 (local.get $p))))
        (local.set $s3 (f64x2.add (local.get $s3) (v128.load offset=48 (local.get $p))))
        (local.set $p (i32.add (local.get $p) (i32.const 64)))
        (br $eights)))
    (local.set $s0 (f64x2.add (f64x2.add (local.get $s0) (local.get $s1)) (f64x2.add (local.get $s2) (local.get $s3))))
    (local.set $total (f64.add (f64x2.extract_lane 0 (local.get $s0)) (f64x2.extract_lane 1 (local.get $s0))))
    ;; the last count mod 8 values, one at a time
    (local.set $end (i32.add (local.get $p) (i32.shl (i32.and (local.get $count) (i32.const 7)) (i32.const 3))))
    (block $rest
      (loop $ones
        (br_if $rest (i32.ge_u (local.get $p) (local.get $end)))
        (local.set $total (f64.add (local.get $total) (f64.load (local.get $p))))
        (local.set $p (i32.add (local.get $p) (i32.const 8)))
        (br $ones)))
    (local.get $total))

  ;; Subtracts from the first `days` values of each row their mean; the padding after them stays zero.
  (func (export "centreRows") (param $x i32) (param $rows i32) (param $days i32) (param $stride i32)
    (local $row i32) (local $end i32) (local $p i32) (local $pairsEnd i32) (local $mean f64) (local $means v128)
    (local.set $row (local.get $x))
    (local.set $end (i32.add (local.get $x) (i32.mul (local.get $rows) (local.get $stride))))
    (block $done
      (loop $eachRow
        (br_if $done (i32.ge_u (local.get $row) (local.get $end)))
        (local.set $mean (f64.div (call $sum (local.get $row) (local.get $days))
                                  (f64.convert_i32_u (local.get $days))))
        (local.set $means (f64x2.splat (local.get $mean)))
        (local.set $p (local.get $row))
        (local.set $pairsEnd (i32.add (local.get $row) (i32.shl (i32.shr_u (local.get $days) (i32.const 1)) (i32.const 4))))
        (block $pairsDone
          (loop $pairs
            (br_if $pairsDone (i32.ge_u (local.get $p) (local.get $pairsEnd)))
            (v128.store (local.get $p) (f64x2.sub (v128.load (local.get $p)) (local.get $means)))
            (local.set $p (i32.add (local.get $p) (i32.const 16)))
            (br $pairs)))
        ;; an odd day count leaves one value before the padding
        (if (i32.and (local.get $days) (i32.const 1))
          (then (f64.store (local.get $p) (f64.sub (f64.load (local.get $p)) (local.get $mean)))))
        (local.set $row (i32.add (local.get $row) (local.get $stride)))
        (br $eachRow))))

  ;; Rows a, a + stride against rows b … b + 3·stride in one pass over time, two days per f64x2: each loaded
  ;; vector feeds two or four multiply-adds and the eight sums stay in registers. Writes the 2×4 block of G at
  ;; `out` (G is `rowBytes` bytes per row).
  (func $block2x4 (param $a i32) (param $b i32) (param $stride i32) (param $out i32) (param $rowBytes i32)
    (local $t i32) (local $a1 i32) (local $b1 i32) (local $b2 i32) (local $b3 i32)
    (local $x0 v128) (local $x1 v128) (local $y v128)
    (local $s00 v128) (local $s01 v128) (local $s02 v128) (local $s03 v128)
    (local $s10 v128) (local $s11 v128) (local $s12 v128) (local $s13 v128)
    (local.set $a1 (i32.add (local.get $a) (local.get $stride)))
    (local.set $b1 (i32.add (local.get $b) (local.get $stride)))
    (local.set $b2 (i32.add (local.get $b1) (local.get $stride)))
    (local.set $b3 (i32.add (local.get $b2) (local.get $stride)))
    (loop $days
      (local.set $x0 (v128.load (i32.add (local.get $a) (local.get $t))))
      (local.set $x1 (v128.load (i32.add (local.get $a1) (local.get $t))))
      (local.set $y (v128.load (i32.add (local.get $b) (local.get $t))))
      (local.set $s00 (f64x2.relaxed_madd (local.get $x0) (local.get $y) (local.get $s00)))
      (local.set $s10 (f64x2.relaxed_madd (local.get $x1) (local.get $y) (local.get $s10)))
      (local.set $y (v128.load (i32.add (local.get $b1) (local.get $t))))
      (local.set $s01 (f64x2.relaxed_madd (local.get $x0) (local.get $y) (local.get $s01)))
      (local.set $s11 (f64x2.relaxed_madd (local.get $x1) (local.get $y) (local.get $s11)))
      (local.set $y (v128.load (i32.add (local.get $b2) (local.get $t))))
      (local.set $s02 (f64x2.relaxed_madd (local.get $x0) (local.get $y) (local.get $s02)))
      (local.set $s12 (f64x2.relaxed_madd (local.get $x1) (local.get $y) (local.get $s12)))
      (local.set $y (v128.load (i32.add (local.get $b3) (local.get $t))))
      (local.set $s03 (f64x2.relaxed_madd (local.get $x0) (local.get $y) (local.get $s03)))
      (local.set $s13 (f64x2.relaxed_madd (local.get $x1) (local.get $y) (local.get $s13)))
      (local.set $t (i32.add (local.get $t) (i32.const 16)))
      (br_if $days (i32.lt_u (local.get $t) (local.get $stride))))
    ;; each sum is its two lanes (even days + odd days)
    (f64.store offset=0 (local.get $out)
      (f64.add (f64x2.extract_lane 0 (local.get $s00)) (f64x2.extract_lane 1 (local.get $s00))))
    (f64.store offset=8 (local.get $out)
      (f64.add (f64x2.extract_lane 0 (local.get $s01)) (f64x2.extract_lane 1 (local.get $s01))))
    (f64.store offset=16 (local.get $out)
      (f64.add (f64x2.extract_lane 0 (local.get $s02)) (f64x2.extract_lane 1 (local.get $s02))))
    (f64.store offset=24 (local.get $out)
      (f64.add (f64x2.extract_lane 0 (local.get $s03)) (f64x2.extract_lane 1 (local.get $s03))))
    (local.set $out (i32.add (local.get $out) (local.get $rowBytes)))
    (f64.store offset=0 (local.get $out)
      (f64.add (f64x2.extract_lane 0 (local.get $s10)) (f64x2.extract_lane 1 (local.get $s10))))
    (f64.store offset=8 (local.get $out)
      (f64.add (f64x2.extract_lane 0 (local.get $s11)) (f64x2.extract_lane 1 (local.get $s11))))
    (f64.store offset=16 (local.get $out)
      (f64.add (f64x2.extract_lane 0 (local.get $s12)) (f64x2.extract_lane 1 (local.get $s12))))
    (f64.store offset=24 (local.get $out)
      (f64.add (f64x2.extract_lane 0 (local.get $s13)) (f64x2.extract_lane 1 (local.get $s13)))))

  ;; The upper triangle of G (rows × rows, row-major at `out`) and the 2×4 blocks that straddle the diagonal;
  ;; the caller mirrors the upper triangle onto the lower one.
  (func (export "gram") (param $x i32) (param $rows i32) (param $stride i32) (param $out i32)
    (local $i i32) (local $j i32) (local $rowBytes i32)
    (local.set $rowBytes (i32.shl (local.get $rows) (i32.const 3)))
    (block $done
      (loop $rowPairs
        (br_if $done (i32.ge_u (local.get $i) (local.get $rows)))
        ;; the first column block is the one holding the diagonal entry (i, i)
        (local.set $j (i32.and (local.get $i) (i32.const -4)))
        (loop $columnBlocks
          (call $block2x4
            (i32.add (local.get $x) (i32.mul (local.get $i) (local.get $stride)))
            (i32.add (local.get $x) (i32.mul (local.get $j) (local.get $stride)))
            (local.get $stride)
            (i32.add (local.get $out)
              (i32.add (i32.mul (local.get $i) (local.get $rowBytes)) (i32.shl (local.get $j) (i32.const 3))))
            (local.get $rowBytes))
          (local.set $j (i32.add (local.get $j) (i32.const 4)))
          (br_if $columnBlocks (i32.lt_u (local.get $j) (local.get $rows))))
        (local.set $i (i32.add (local.get $i) (i32.const 2)))
        (br $rowPairs)))))
