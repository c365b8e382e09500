// FarmHash Fingerprint64 and SipHash-2-4 against published values only: TensorFlow's tests,
// FarmHash's own self-test, the SipHash paper's vectors and Keras's Hashing docstring.
#include "utils/string_hash.h"

#include <string>
#include <vector>

#include "test_utils.h"

namespace keras::utils {
namespace {

// Keras's Hashing bin: hash % num_bins, or with a mask value the mask -> 0 and the rest
// to hash % (num_bins - 1) + 1 (keras/src/layers/preprocessing/hashing.py).
std::vector<int64_t> bins(const std::vector<std::string>& in, uint64_t num_bins, const std::string* mask,
                          const uint64_t* key) {
  std::vector<int64_t> out;
  for (const auto& s : in) {
    if (mask && s == *mask) {
      out.push_back(0);
      continue;
    }
    const uint64_t n = mask ? num_bins - 1 : num_bins;
    const uint64_t h = key ? siphash_keyed(key[0], key[1], s) : farmhash_fingerprint64(s);
    out.push_back(static_cast<int64_t>(h % n) + (mask ? 1 : 0));
  }
  return out;
}

TEST(StringHash, Fingerprint64MatchesTensorFlowTests) {
  // tensorflow/core/platform/fingerprint_test.cc (Fingerprint64 IsForeverFrozen).
  EXPECT_EQ(farmhash_fingerprint64("Hello"), 15404698994557526151ULL);
  EXPECT_EQ(farmhash_fingerprint64("World"), 18308117990299812472ULL);
  // string_to_hash_bucket_op_test.py (testStringToHashBucketsFast).
  EXPECT_EQ(farmhash_fingerprint64("a"), 12917804110809363939ULL);
  EXPECT_EQ(farmhash_fingerprint64("b"), 11795596070477164822ULL);
  EXPECT_EQ(farmhash_fingerprint64("c"), 11430444447143000872ULL);
  EXPECT_EQ(farmhash_fingerprint64("d"), 4470636696479570465ULL);
}

// FarmHash's self-test (farmhash.cc, farmhashnaTest): Hash64 of data + offset, len over
// its pseudo-random 1 MiB buffer; Fingerprint64 is farmhashna::Hash64. The expected
// values are the self-test's (high, low) 32-bit halves joined; tests i < 299 use
// offset i*i and length i (so most reads are unaligned), later ones offset 0.
TEST(StringHash, Fingerprint64MatchesFarmHashSelfTest) {
  std::vector<char> data(1 << 20);
  const uint64_t k0 = 0xc3a5c85c97cb3127ULL;
  uint64_t a = 9, b = 777;
  for (size_t i = 0; i < data.size(); ++i) {
    a += b;
    b += a;
    a = (a ^ (a >> 41)) * k0;
    b = (b ^ (b >> 41)) * k0 + i;
    data[i] = static_cast<char>(static_cast<uint8_t>(b >> 37));
  }
  struct Case {
    size_t offset, len;
    uint64_t expected;
  };
  const Case cases[] = {
      {0, 0, 11160318154034397263ULL},       {1, 1, 6057711933287653014ULL},
      {4, 2, 1096493076212885441ULL},        {9, 3, 17262924617777385131ULL},
      {16, 4, 1287846036432493960ULL},       {25, 5, 9448345910734356659ULL},
      {36, 6, 4524569781305624724ULL},       {49, 7, 1970894657613724145ULL},
      {64, 8, 11597051931199355094ULL},      {81, 9, 18126316081798418699ULL},
      {144, 12, 16426460226004650093ULL},    {225, 15, 4919969303722224776ULL},
      {256, 16, 282273162512842838ULL},      {289, 17, 7691019942193281883ULL},
      {324, 18, 667632176546955392ULL},      {576, 24, 3936312831952133527ULL},
      {961, 31, 6178288770513559229ULL},     {1024, 32, 541269899254986215ULL},
      {1089, 33, 711203541633906104ULL},     {1156, 34, 1072780121900405654ULL},
      {1600, 40, 97231716562744398ULL},      {2304, 48, 99109685027359318ULL},
      {3969, 63, 12172596441206182967ULL},   {4096, 64, 16066393710399699995ULL},
      {4225, 65, 4381627749513796415ULL},    {4356, 66, 11211701789100763796ULL},
      {9216, 96, 1324675730918859038ULL},    {16129, 127, 11027467577531522736ULL},
      {16384, 128, 17629800649466220701ULL}, {16641, 129, 15345954539186508726ULL},
      {16900, 130, 6622607709709715865ULL},  {36864, 192, 13338803518511360161ULL},
      {37249, 193, 3337935297340240939ULL},  {65025, 255, 8429558128705429752ULL},
      {65536, 256, 9210440767890242563ULL},  {66049, 257, 15451384982169958133ULL},
      {88804, 298, 2319855510833732255ULL},  {0, 299, 14734041553762417017ULL},
      {0, 341, 10389017116275415821ULL},     {0, 4874, 2694101599243153095ULL},
      {0, 1016994, 15964842784149948926ULL}, {0, 1048576, 17893921758998833411ULL},
  };
  for (const Case& c : cases)
    EXPECT_EQ(farmhash_fingerprint64(std::string_view(data.data() + c.offset, c.len)), c.expected)
        << "offset " << c.offset << " length " << c.len;
}

TEST(StringHash, SipHashMatchesReferenceVectors) {
  // The SipHash-2-4 paper's 64 vectors (as in highwayhash's sip_hash_test.cc): key bytes
  // 00..0f, message bytes 00, 01, ... of length 0..63.
  const uint64_t expected[64] = {
      0x726FDB47DD0E0E31, 0x74F839C593DC67FD, 0x0D6C8009D9A94F5A, 0x85676696D7FB7E2D, 0xCF2794E0277187B7,
      0x18765564CD99A68D, 0xCBC9466E58FEE3CE, 0xAB0200F58B01D137, 0x93F5F5799A932462, 0x9E0082DF0BA9E4B0,
      0x7A5DBBC594DDB9F3, 0xF4B32F46226BADA7, 0x751E8FBC860EE5FB, 0x14EA5627C0843D90, 0xF723CA908E7AF2EE,
      0xA129CA6149BE45E5, 0x3F2ACC7F57C29BDB, 0x699AE9F52CBE4794, 0x4BC1B3F0968DD39C, 0xBB6DC91DA77961BD,
      0xBED65CF21AA2EE98, 0xD0F2CBB02E3B67C7, 0x93536795E3A33E88, 0xA80C038CCD5CCEC8, 0xB8AD50C6F649AF94,
      0xBCE192DE8A85B8EA, 0x17D835B85BBB15F3, 0x2F2E6163076BCFAD, 0xDE4DAAACA71DC9A5, 0xA6A2506687956571,
      0xAD87A3535C49EF28, 0x32D892FAD841C342, 0x7127512F72F27CCE, 0xA7F32346F95978E3, 0x12E0B01ABB051238,
      0x15E034D40FA197AE, 0x314DFFBE0815A3B4, 0x027990F029623981, 0xCADCD4E59EF40C4D, 0x9ABFD8766A33735C,
      0x0E3EA96B5304A7D0, 0xAD0C42D6FC585992, 0x187306C89BC215A9, 0xD4A60ABCF3792B95, 0xF935451DE4F21DF2,
      0xA9538F0419755787, 0xDB9ACDDFF56CA510, 0xD06C98CD5C0975EB, 0xE612A3CB9ECBA951, 0xC766E62CFCADAF96,
      0xEE64435A9752FE72, 0xA192D576B245165A, 0x0A8787BF8ECB74B2, 0x81B3E73D20B49B6F, 0x7FA8220BA3B2ECEA,
      0x245731C13CA42499, 0xB78DBFAF3A8D83BD, 0xEA1AD565322A1A0B, 0x60E61C23A3795013, 0x6606D7E446282B93,
      0x6CA4ECB15C5F91E1, 0x9F626DA15C9625F3, 0xE51B38608EF25F57, 0x958A324CEB064572};
  std::string msg;
  for (int len = 0; len < 64; ++len) {
    EXPECT_EQ(siphash_keyed(0x0706050403020100ULL, 0x0F0E0D0C0B0A0908ULL, msg), expected[len]) << "length " << len;
    msg.push_back(static_cast<char>(len));
  }
  // string_to_hash_bucket_op_test.py (testStringToHashBucketsStrong), key=[98765, 132].
  EXPECT_EQ(siphash_keyed(98765, 132, "a"), 7157389809176466784ULL);
  EXPECT_EQ(siphash_keyed(98765, 132, "b"), 15805638358933211562ULL);
  EXPECT_EQ(siphash_keyed(98765, 132, "c"), 18100027895074076528ULL);
}

TEST(StringHash, KerasHashingDocstringBins) {
  const std::vector<std::string> abcde{"A", "B", "C", "D", "E"};
  EXPECT_EQ(bins(abcde, 3, nullptr, nullptr), (std::vector<int64_t>{1, 0, 1, 1, 2}));
  const std::string empty;
  EXPECT_EQ(bins({"A", "B", "", "C", "D"}, 3, &empty, nullptr), (std::vector<int64_t>{1, 1, 0, 2, 2}));
  const uint64_t salt_pair[2] = {133, 137};
  EXPECT_EQ(bins(abcde, 3, nullptr, salt_pair), (std::vector<int64_t>{1, 2, 1, 0, 2}));
  const uint64_t salt_int[2] = {133, 133};  // salt=133 means [133, 133]
  EXPECT_EQ(bins(abcde, 3, nullptr, salt_int), (std::vector<int64_t>{0, 0, 2, 1, 0}));
}

}  // namespace
}  // namespace keras::utils
