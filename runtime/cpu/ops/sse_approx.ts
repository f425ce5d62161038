// RCPPS/RCPSS and RSQRTPS/RSQRTSS: approximations with a relative error below 1.5 * 2^-12 whose
// exact values are implementation specific. These reproduce the host this interpreter is checked
// against (AMD Zen) bit for bit, verified on all 2^32 inputs: the result depends only on the top 12
// fraction bits of the input (and, for the square root, on the exponent's parity) through
// 4096-entry tables of 12-bit fractions, scaled by the exponent. Tiny reciprocals flush to zero,
// denormal inputs count as zero, NaNs are quieted, and MXCSR is never touched. A table is stored as
// each entry's difference (-1..2) from floor(4096 * (f(midpoint) - 1)), three entries per base64
// character.

import { R, S } from "./sse_state.ts";

const ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

function decode(data: string, f: (x: number) => number): Uint16Array {
  const table = new Uint16Array(4096);
  for (let t = 0; t < 4096; t++) {
    const digit = ALPHABET.indexOf(data[(t / 3) | 0]);
    const residual = ((digit >> (2 * (t % 3))) & 3) - 1;
    table[t] = Math.floor((f(1 + (t + 0.5) / 4096) - 1) * 4096) + residual;
  }
  return table;
}

// deno-fmt-ignore
const RCP_DATA =
  "QVVpqCVVlqapqq/rQVVpqaqq6/bpqqvqlqVpqWqqmqqqqqqqqqqpqWqWlaluqaqa6vqqqp/qqqm+qaqVqqWZVQVllmaVWaqq" +
  "VZZppmqq66bWaaqqpqqquqqq66qqqqqqqqqqqllllllqaaaauqqqp5qqqmmqqaaWqpZZV56qmmVVmqquVpqq6WlqqqaVmZqq" +
  "Zq6u7WlZmpamqqqqZqqqqmpqqqamqamZqu7uqmpqqZmqrqqaqurqqq6uqqmqrqqZllppqmqqr7bZZaqqlppqqmmqqqbaqqqq" +
  "pppppWWWWWmqqqqqllllllmmmmmaaaaaqqppppmmmWWaaZZV6qqqpVlVWqZlmaqqpqqqumqqq6aqqqqrpqqpqWqpWqpqruqr" +
  "paqpaq6qqqapWalWlapValqlWpVqWaVWlalVVp6qmqlalqaqqqq+qmWlqWpalqaqqpqqqqmqqqqaqqaqqVqqVqWVqWluqqqq" +
  "qVpqVprqqWqaVVaVqVpqVpWqqWlapqaVVVqqqWVVpqqqqqq6qqqqqWVVVpqqqqqqqqqqqWVVlqqqqqqqqqqqqqqqqqqqqqqq" +
  "qqaVVpqqqqqqqqqqqqWVVVVpqqqqlqqqVVqqVVVpqqaVlqqqaVqqqqVpqqqVlqqqVVqqWVVpaVlqqqqqWVqqWpquqqqWlqaV" +
  "qqqqqVVpVVllqqqqqqq+qWZVlWVlVVaVqrquqqqqqqqlqaqqVqWpWpuq6qqmqWqaVaVZVppqlql6qqqqVqVpVppalalqqWqW" +
  "lVpVaValWpVpValWlVZVapr6quqqqqqqlapWqValWZlqqqmqlapVapqqqpapValVmqpWaprqqpapVWVVmapVWZppmaqlqqqq" +
  "aqqqmappmaqlmaqpWWaplWZZlVmqqqqqWaqplWZZlVmmqaqpVWaZlppqmaallVWVWaaplppqmaaZppppmmmqqaaqqqqpqqqq" +
  "qqqqqqqqqqqqqqqqmmmqqaaaaaaZZZZZVVlllpqqqqqppZZZqqqqqaaaaaaZVVVVVVWWmllpppaaqqquVVWWmllppZaaqmmq" +
  "qpqqqqqqqqbVlVVZVVWWllVZVVWVlVVZqqqqqqqqqpqaqmmppZaWmllZZWmqqqqqpZaqmmlZZWmaqmqpZZWmlpqqqaaWmlZV" +
  "qpaqmlVZVWVamlZZqpaqm5qqqqaWmVZVpZWmVpmpZWWVZWlZVlZVmVZmVZWlZWlZVlZVmVVmVVmqqrqqqqqpqmpqmZamZWmZ" +
  "VmZVVpqqmqampamZVmZVVpqqmZamZWlZqqmZqmZWVZmqqZmpZmVVVlqamZmqqpqqZmVVVlqamZmqqZmZq7qqqmZWVVVmZVVV" +
  "qqmZmpqamZmqqZmZqqmZmB";
// deno-fmt-ignore
const RSQRT_EVEN_DATA =
  "VVlqqWVVqqaVVpqqqalqqWVVqqaVVpWVVVlqqqqWqqaVVpaVVVlqqVVVqqaVVpqqVVlqqVVVqWVVVZVVqalqqalqqqaVqVlq" +
  "apqqqWlVVpWVqWlqWpqWqqmqqpqaqqqqqqqaqqmqqpqWqalqWpaVqVlWVVlaqqlqVpWVWpqqapalapapaqqqqWZVaValWpWp" +
  "WqlqlapWqWqlqpapWqlalWpWqValWpVZqqqqmqpaqWalWpVVqqqqlapVaVlqqpapVWqpmapqqqaVlVWZVVaplWZplWallWap" +
  "VWaplWZplWallWapVVWZlpqqqqqmmaqpVWaZlpqqqqqlmWapqqrqqWlVVWWaappppqmqqmlVVWWWaZZppplmmmqaaaqqqppq" +
  "qqmmqqqaaqqqqppppqmmmmmWWWWWaZZZuuqqqqqaaaaZZZaaqqqqqWWWmmmqqqrqlllpppaaqqaZVVWWmmlpppaaqqqqqqrq" +
  "llVZZZWWmllpZZaWmmlpZZaWmmlpZZaWqq6qqqmqqqaamqqpZZqmmlVZWWmqquqqpZqmmlVZWWlaqqqpZZmmlpqqrqaWmpZZ" +
  "qqqqmmlZWWlamqpZqq6qmmpamqZqqpqqq6qqrWZWlZVmZZmlZmmZamZampZmqZmmZqmZamZamZZmpZmlZmVZWVZWVZlquqqm" +
  "qqmpamZamZlqqq6umZqqqWlZmZmqqqqumZmZqqqqqurZmZqqqqqq7amZmZqqqqqqVZmZmZmZqqqqqqqqVZmZmZmZmZmZqqqq" +
  "ZmZmZmZmZmZmqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqamZmZmZmZmZmZ6u7qqqqqqqqqqqqZmZmqqamZZmZ" +
  "qq6urmZmqqamVZmZqqqqqmZmmZmqquqqZmpampqqrqamZamZqqpqqmZVmZmmZqqZqq6qqmZWmZmVZmZZmpampqmqqmqquqqu" +
  "WlZWlZWmZmmZqmZqmpqmpqmqqmqqqqaqqqqqqqqqqqqquqqqqqqqqqqqqmqqqqaqZZmmZWlZZmVVWlZVqqqrqqpqqqamqpqm" +
  "ZZmmZWlVZWlqqqqqZqmqZmlZZmlqq6qqZqmqZWlZZWlqqqqmZammZpaqqqbmlZZqqqqq6mZZWmmqqqquZWmlppaqmqaWlVZZ" +
  "ammppqqqqqbmlZZaammppqqqqqbmlVZZammpppaqmqaVWlVZZZWmlppZammmqpaaqqqqpq6qqqqrr6qqZZWWlllZZWWmmlZZ" +
  "ZaWmllpZaWmmmpZZaaWmllpZZWWmmlZZppaaqmmqppZaammmlpZZZWWmllluuqqrqqqqqmqqppaaammmllZZZprrqqqqqmqq" +
  "ppZaaWWmlllqqqqqppaaaC";
// deno-fmt-ignore
const RSQRT_ODD_DATA =
  "lllmmaaaqqqpqqqqVVVllVVVVWmqqquuqqqqqqqqqqqppppplllllpqqqqqppppplllllpqqaaaZZZZZmmmmmmlpppZaqqqm" +
  "qqrqqmVZZVVWmllVZZWWWllZZZVWmllVZVWWVpquqqpqqqmmpZaaWmlZZVlqqqmmpZaWW5quqpZamqpqZVlVZmlZamqaqqqq" +
  "ZVlVZmlZWmZampZmqZqmpqmqaqqqqqpqqqqmqqqqaqqaqqZqqZqmZqmZWmZWmZVlZVVZmpmqqqaamZmqZVVZmpmZqqaWVZmZ" +
  "qZmqqmVVlZmamZmquqqqqmVZmZmamZmZuqqqqmVVVVVWVVmZqZmZmpqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqamZmZmZm" +
  "ZmZmZmVVVVlqqqqqZmZmZmZmVVlqqqqmZmZmZqqqqqqlZmZqmqqq6aZmZmmpqqqqVmZWlZqmZmqqqqqqVmZVlZamZmmpqqZq" +
  "qqqqqWZWVVWlZWVZWmZWlZamZWmpZmZZqqqqqqqqqqqqpqqqqmqaqqZqmpampZmmZWmZZmVZWlpqqqqqqmqaqmZamlZWlZVW" +
  "qqqaqqZamlZWlVVWqmqZqmZZWmlqqqqqZWmlZpqqqqamlZZWqmqpamVZVWlmpZamqqqqqmZZVWlmpZamqqqpamVZVWVmlZZW" +
  "ammpZpaqmmZZWWmlpZZammmppaaqmmqppaqqmqqpqaqqmqqpqaqqmqqpqaqqmmqppaaqmmmppZaaWmmllZZZVWWllVluqqqp" +
  "aaaqqmlpppZVWWWmqqqquqppppaWWWmmVVVVZpppppaWWWWWqqqqqmlpppZVVVVWaaaaaWVllllmmmmmVVVZZppppppqqqqq" +
  "ZZZZaqqqqqaWWWWWaaaaaqqqqqaWWWWWaaaaaqqqqqaWWWWVZZZZZppppppqqqqmqqqqqmlllllVVVVWWWWWaZZZZppplllm" +
  "mmmWaaaaaqqppppqqmmmqqaaaqqqpppqqmmmqqaaaqqppppmmmmmaaaaZppplllmVVVWWpqqqqqaaqqqpppmmmWWaaZZZlll" +
  "VVVWVpqmqqaaaqpplllWWWVVZVlqaqqppplmWWWVZZlqaqqppplmWWWVZVlaaqqppllWWqqqqqaaappllVVWVpmmaaaZZlVV" +
  "qppmmWWWZVlaaqppllVWVpmmaaZZVlVVpplmWqqqqaaWZplWaqpmqWVVZlVWaplmaqpqqWVWZlVWaplmaqpqqWVVZlVWZplW" +
  "appmaqpqqqaVZlVWZplWaplmaqpmaqqqVVVVVlVWZlVWZplWaplWaqpmaqpmaqpqqqqqqWVVVVVWZlVWZlVWZlVWZlVWZplW" +
  "aplWaplWaplWaplWaplWaB";

const RCP = decode(RCP_DATA, (x) => 2 / x);
const RSQRT_EVEN = decode(RSQRT_EVEN_DATA, (x) => 2 / Math.sqrt(x));
const RSQRT_ODD = decode(RSQRT_ODD_DATA, (x) => 2 / Math.sqrt(2 * x));

/** Approximate reciprocal of single-precision bits. */
export function reciprocalBits(x: number): number {
  const sign = x & 0x80000000, e = (x >>> 23) & 0xff, m = x & 0x7fffff;
  if (e === 255) return m !== 0 ? x | 0x400000 : sign; // NaN quieted; 1/inf = 0
  if (e === 0) return sign | 0x7f800000; // zeros and denormals: infinity
  const exponent = 253 - e;
  if (exponent <= 0) return sign;
  return sign | (exponent << 23) | (RCP[m >>> 11] << 11);
}

/** Approximate reciprocal square root of single-precision bits. */
export function reciprocalSqrtBits(x: number): number {
  const sign = x & 0x80000000, e = (x >>> 23) & 0xff, m = x & 0x7fffff;
  if (e === 255) {
    if (m !== 0) return x | 0x400000;
    return sign !== 0 ? 0xffc00000 | 0 : 0;
  }
  if (e === 0) return sign | 0x7f800000;
  if (sign !== 0) return 0xffc00000 | 0;
  const unbiased = e - 127;
  if (unbiased & 1) return ((126 - ((unbiased - 1) >> 1)) << 23) | (RSQRT_ODD[m >>> 11] << 11);
  return ((126 - (unbiased >> 1)) << 23) | (RSQRT_EVEN[m >>> 11] << 11);
}

/** R[k] = rcp(S[k]). */
export function rcpLane(k: number): void {
  R.i32[k] = reciprocalBits(S.i32[k]);
}

/** R[k] = rsqrt(S[k]). */
export function rsqrtLane(k: number): void {
  R.i32[k] = reciprocalSqrtBits(S.i32[k]);
}
