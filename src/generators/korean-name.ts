// Generator `koreanName`: one surname syllable followed by `given` given-name syllables (e.g. 김민준).
import { checkKeys, intArg } from './args.ts';
import { intBelow, limitOf } from './rng.ts';
import type { FieldValue, Generator, GeneratorFactory, Rng } from './types.ts';

// Verbatim from the seed Go program. There `letterRunes` (these surnames) and `letterRunes_name` (these
// given-name syllables) were swapped at the call site; here each set is used for what it holds.
const SURNAMES_RAW = '김이박최정강조윤장임한오서신권황안송류전홍고문양손배조백허유남심노정하곽성차주우구신임나전민유진지엄채원천방공강현함변염양변여추노도소신석선설마길주연방위표명기반왕금옥육인맹제모장남탁국여진어은편구용';
const GIVEN_RAW = '가강건경고관광구규근기길나남노누다단달담대덕도동두라래로루리마만명무문미민바박백범별병보빛사산상새서석선설섭성세소솔수숙순숭슬승시신아안애엄여연영예오옥완요용우원월위유윤율으은의이익인일잎자잔장재전정제조종주준중지진찬창채천철초춘충치탐태택판하한해혁현형혜호홍화환회효훈휘희운모배부림봉혼황량린을비솜공면탁온디항후려균묵송욱휴언령섬들견추걸삼열웅분변양출타흥겸곤번식란더손술훔반빈실직흠흔악람뜸권복심헌엽학개롱평늘늬랑얀향울련';

/**
 * The seed's surname string repeats some syllables (조, 정, 신, 임, …): 100 entries, 82 distinct. Both `at`
 * and `draw` use the deduplicated set, so `unique` is a true bijection and every surname is equally likely
 * (the seed's repeats were a copy-paste accident, not a frequency table).
 */
export const SURNAMES: readonly string[] = [...new Set(SURNAMES_RAW)];
export const GIVEN_SYLLABLES: readonly string[] = [...new Set(GIVEN_RAW)];
const SURNAME_LIMIT = limitOf(SURNAMES.length);
const GIVEN_LIMIT = limitOf(GIVEN_SYLLABLES.length);

class KoreanNameGenerator implements Generator {
  readonly size: number;
  /** Hangul syllables only. */
  readonly plainString = true;

  constructor(private readonly given: number) {
    this.size = SURNAMES.length * GIVEN_SYLLABLES.length ** given;
  }

  draw(rng: Rng): FieldValue {
    let s = SURNAMES[intBelow(rng, SURNAMES.length, SURNAME_LIMIT)];
    for (let i = 0; i < this.given; i++) s += GIVEN_SYLLABLES[intBelow(rng, GIVEN_SYLLABLES.length, GIVEN_LIMIT)];
    return s;
  }

  /** Mixed radix: the surname is the most significant digit, given syllables follow in base |given set|. */
  at(index: number): FieldValue {
    const g = GIVEN_SYLLABLES.length;
    let s = '';
    let x = index;
    for (let i = 0; i < this.given; i++) {
      const q = Math.floor(x / g);
      s = GIVEN_SYLLABLES[x - q * g] + s;
      x = q;
    }
    return SURNAMES[x] + s;
  }
}

export const koreanName: GeneratorFactory = (args) => {
  checkKeys(args, ['given']);
  return new KoreanNameGenerator(intArg(args, 'given', 1, 4, 2));
};
