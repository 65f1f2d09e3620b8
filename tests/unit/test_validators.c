/* test_validators.c - unit tests for the rule-file validators (rules/validate.h): the lookup
 * table, the shared helpers, and for each validator a table of candidates in context that must be
 * accepted (with their value) or rejected; the check-digit algorithms against published numbers,
 * every single-digit change, and an independent implementation over pseudo-random numbers. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "rules/validate.h"
#include "tests/unit/tap.h"

/* One row: the validator, the text, the candidate (its first occurrence in the text; NULL: the
 * whole text), whether it must be accepted and the value it must then give. */
struct vrow {
	const char *validator;
	const char *text;
	const char *cand;
	int accept;
	const char *want;
};

#define ACC(v, t, c, w) { v, t, c, 1, w }
#define REJ(v, t, c) { v, t, c, 0, NULL }

/* U+2212 minus, U+30FC long mark, U+2010 hyphen, U+2015 bar, 〒 */
#define MINUS "\xE2\x88\x92"
#define LONG "\xE3\x83\xBC"
#define HYPH "\xE2\x80\x90"
#define BAR "\xE2\x80\x95"

static const struct vrow rows[] = {
	/* ---- my_number -------------------------------------------------------------------- */
	ACC("my_number", "123456789018", NULL, "123456789018"),
	ACC("my_number", "983205673214", NULL, "983205673214"),
	ACC("my_number", "998268080350", NULL, "998268080350"),	/* remainder 0: check 0 */
	ACC("my_number", "150685770450", NULL, "150685770450"),	/* remainder 1: check 0 */
	ACC("my_number", "1234 5678 9018", NULL, "123456789018"),
	ACC("my_number", "1234-5678-9018", NULL, "123456789018"),
	ACC("my_number", "1234" MINUS "5678" MINUS "9018", NULL, "123456789018"),
	ACC("my_number", "1234" LONG "5678" LONG "9018", NULL, "123456789018"),
	ACC("my_number", "1234" HYPH "5678" HYPH "9018", NULL, "123456789018"),
	ACC("my_number", "1234" BAR "5678" BAR "9018", NULL, "123456789018"),
	ACC("my_number", "マイナンバー:123456789018です", "123456789018", "123456789018"),
	ACC("my_number", "個人番号123456789018。", "123456789018", "123456789018"),
	ACC("my_number", "No.123456789018", "123456789018", "123456789018"),
	ACC("my_number", "(983205673214)", "983205673214", "983205673214"),
	ACC("my_number", "番号 1234 5678 9018 です", "1234 5678 9018", "123456789018"),
	ACC("my_number", "山田,123456789018,東京", "123456789018", "123456789018"),
	ACC("my_number", "123456789018.", "123456789018", "123456789018"),
	REJ("my_number", "123456789010", NULL),	/* wrong check digit */
	REJ("my_number", "123456789019", NULL),
	REJ("my_number", "983205673210", NULL),
	REJ("my_number", "000000000000", NULL),	/* passes the check, one digit repeated */
	REJ("my_number", "12345678901", NULL),	/* 11 digits */
	REJ("my_number", "1234567890180", NULL),	/* 13 digits */
	REJ("my_number", "1123456789018", "123456789018"),	/* digit before */
	REJ("my_number", "1234567890181", "123456789018"),	/* digit after */
	REJ("my_number", "5-123456789018", "123456789018"),	/* joiner and digit before */
	REJ("my_number", "123456789018-5", "123456789018"),
	REJ("my_number", "123456789018.5", "123456789018"),
	REJ("my_number", "7,123456789018", "123456789018"),
	REJ("my_number", "123456789018_9", "123456789018"),
	REJ("my_number", "INV123456789018", "123456789018"),	/* glued to letters */
	REJ("my_number", "123456789018X", "123456789018"),
	REJ("my_number", "AB-123456789018", "123456789018"),
	REJ("my_number", "AB_123456789018", "123456789018"),
	REJ("my_number", "123456789018-AB", "123456789018"),
	REJ("my_number", "1234 5678 9018 3456", "1234 5678 9018"),	/* a longer grouped number */
	REJ("my_number", "3456 1234 5678 9018", "1234 5678 9018"),
	REJ("my_number", "1234-5678-9018-3456", "1234-5678-9018"),
	REJ("my_number", "1234 5678-9018", NULL),	/* separators differ */
	REJ("my_number", "1234  5678  9018", NULL),	/* two spaces */
	REJ("my_number", "123 456 789 018", NULL),	/* grouping */
	REJ("my_number", "12345678 9018", NULL),
	REJ("my_number", "1234.5678.9018", NULL),
	REJ("my_number", "123,456,789,018", NULL),	/* an amount */
	REJ("my_number", " 123456789018", NULL),	/* leading space in the candidate */
	REJ("my_number", "123456789018 ", NULL),
	REJ("my_number", "1234-5678-9018-", NULL),
	REJ("my_number", "", NULL),

	/* ---- corporate_number ------------------------------------------------------------- */
	ACC("corporate_number", "7000012050002", NULL, "7000012050002"),	/* National Tax Agency */
	ACC("corporate_number", "7123456789012", NULL, "7123456789012"),	/* NTA worked example */
	ACC("corporate_number", "7010705000725", NULL, "7010705000725"),
	ACC("corporate_number", "4011001098993", NULL, "4011001098993"),
	ACC("corporate_number", "2120901007402", NULL, "2120901007402"),
	ACC("corporate_number", "法人番号:7000012050002です", "7000012050002", "7000012050002"),
	ACC("corporate_number", "7 0000 1205 0002", NULL, "7000012050002"),
	ACC("corporate_number", "7-0000-1205-0002", NULL, "7000012050002"),
	ACC("corporate_number", "登録番号T7000012050002", "7000012050002", "7000012050002"),
	ACC("corporate_number", "T7000012050002", "7000012050002", "7000012050002"),
	REJ("corporate_number", "8000012050002", NULL),	/* wrong check digit */
	REJ("corporate_number", "6000012050002", NULL),
	REJ("corporate_number", "0000012050002", NULL),
	REJ("corporate_number", "9999999999999", NULL),	/* passes the check, one digit repeated */
	REJ("corporate_number", "700001205000", NULL),	/* 12 digits */
	REJ("corporate_number", "17000012050002", "7000012050002"),
	REJ("corporate_number", "70000120500021", "7000012050002"),
	REJ("corporate_number", "XT7000012050002", "7000012050002"),	/* T inside a word */
	REJ("corporate_number", "1T7000012050002", "7000012050002"),
	REJ("corporate_number", "A7000012050002", "7000012050002"),
	REJ("corporate_number", "7000012050002T", "7000012050002"),
	REJ("corporate_number", "7000 0120 5000 2", NULL),	/* grouping */
	REJ("corporate_number", "7 0000 1205-0002", NULL),

	/* ---- payment_card ----------------------------------------------------------------- */
	ACC("payment_card", "4111111111111111", NULL, "4111111111111111"),	/* Visa 16 */
	ACC("payment_card", "4000000000006", NULL, "4000000000006"),		/* Visa 13 */
	ACC("payment_card", "4111111111111111110", NULL, "4111111111111111110"),	/* Visa 19 */
	ACC("payment_card", "4012 8888 8888 1881", NULL, "4012888888881881"),
	ACC("payment_card", "4012-8888-8888-1881", NULL, "4012888888881881"),
	ACC("payment_card", "5555555555554444", NULL, "5555555555554444"),	/* Mastercard */
	ACC("payment_card", "2223003122003222", NULL, "2223003122003222"),	/* Mastercard 2-series */
	ACC("payment_card", "378282246310005", NULL, "378282246310005"),	/* Amex */
	ACC("payment_card", "3782 822463 10005", NULL, "378282246310005"),	/* Amex 4-6-5 */
	ACC("payment_card", "3530111333300000", NULL, "3530111333300000"),	/* JCB */
	ACC("payment_card", "35280000000000007", NULL, "35280000000000007"),	/* JCB 17 */
	ACC("payment_card", "358900000000000003", NULL, "358900000000000003"),	/* JCB 18 */
	ACC("payment_card", "30569309025904", NULL, "30569309025904"),	/* Diners 14 */
	ACC("payment_card", "3056 930902 5904", NULL, "30569309025904"),	/* Diners 4-6-4 */
	ACC("payment_card", "30950000000000", NULL, "30950000000000"),
	ACC("payment_card", "36000000000008", NULL, "36000000000008"),
	ACC("payment_card", "38000000000006", NULL, "38000000000006"),
	ACC("payment_card", "6011111111111117", NULL, "6011111111111117"),	/* Discover */
	ACC("payment_card", "6011000000000000001", NULL, "6011000000000000001"),
	ACC("payment_card", "6011 0000 0000 0000 001", NULL, "6011000000000000001"),
	ACC("payment_card", "6445000000000000", NULL, "6445000000000000"),
	ACC("payment_card", "6500000000000002", NULL, "6500000000000002"),
	ACC("payment_card", "6200000000000005", NULL, "6200000000000005"),	/* UnionPay */
	ACC("payment_card", "カード番号:4111 1111 1111 1111まで", "4111 1111 1111 1111",
	    "4111111111111111"),
	REJ("payment_card", "4111111111111112", NULL),	/* Luhn */
	REJ("payment_card", "5555555555554440", NULL),
	REJ("payment_card", "1111111111111117", NULL),	/* no issuer (Luhn fine) */
	REJ("payment_card", "4000000000007", NULL),	/* Visa 13, Luhn */
	REJ("payment_card", "411111111111111", NULL),	/* Visa 15 */
	REJ("payment_card", "55555555555544440", NULL),	/* Mastercard 17 */
	REJ("payment_card", "2721000000000004", NULL),	/* past 2720 */
	REJ("payment_card", "3782822463100005", NULL),	/* Amex 16 */
	REJ("payment_card", "30600000000006", NULL),	/* 306 is not Diners */
	REJ("payment_card", "3095000000000", NULL),	/* Diners 13 */
	REJ("payment_card", "14111111111111111", "4111111111111111"),	/* digit before */
	REJ("payment_card", "41111111111111111", "4111111111111111"),	/* digit after */
	REJ("payment_card", "9-4111111111111111", "4111111111111111"),
	REJ("payment_card", "4111111111111111.9", "4111111111111111"),
	REJ("payment_card", "REF4111111111111111", "4111111111111111"),
	REJ("payment_card", "4111111111111111X", "4111111111111111"),
	REJ("payment_card", "4111 1111 1111 1111 2222", "4111 1111 1111 1111"),
	REJ("payment_card", "4111 1111-1111 1111", NULL),	/* separators differ */
	REJ("payment_card", "41111 1111 1111 111", NULL),	/* grouping */
	REJ("payment_card", "4111 1111 11111111", NULL),
	REJ("payment_card", "4111 111111 111111", NULL),	/* 4-6-6 */
	REJ("payment_card", "3782 822463 1000", NULL),	/* 4-6-4 is 14 digits: not Amex */
	ACC("payment_card", "3782 8224 6310 005", NULL, "378282246310005"),	/* 4-4-4-3 */
	REJ("payment_card", "3782 82246 310005", NULL),

	/* ---- phone_intl ------------------------------------------------------------------- */
	ACC("phone_intl", "+44 20 7946 0958", NULL, "+442079460958"),
	ACC("phone_intl", "+44 (0)20 7946 0958", NULL, "+442079460958"),
	ACC("phone_intl", "+44(0)20 7946 0958", NULL, "+442079460958"),
	ACC("phone_intl", "+44 020 7946 0958", NULL, "+442079460958"),	/* kept 0 dropped */
	ACC("phone_intl", "+442079460958", NULL, "+442079460958"),
	ACC("phone_intl", "+1 (415) 555-0100", NULL, "+14155550100"),
	ACC("phone_intl", "+1(415)555-0100", NULL, "+14155550100"),
	ACC("phone_intl", "+1 415.555.0100", NULL, "+14155550100"),
	ACC("phone_intl", "+1-415-555-0100", NULL, "+14155550100"),
	ACC("phone_intl", "+33 1 23 45 67 89", NULL, "+33123456789"),
	ACC("phone_intl", "+33 6 12 34 56 78", NULL, "+33612345678"),
	ACC("phone_intl", "+49 30 1234567", NULL, "+49301234567"),
	ACC("phone_intl", "+49 (0)30 1234567", NULL, "+49301234567"),
	ACC("phone_intl", "+86 138 0013 8000", NULL, "+8613800138000"),
	ACC("phone_intl", "+82 10-1234-5678", NULL, "+821012345678"),
	ACC("phone_intl", "+82 2 312 3456", NULL, "+8223123456"),
	ACC("phone_intl", "+39 06 1234 5678", NULL, "+390612345678"),	/* Italian 0 kept */
	ACC("phone_intl", "+852 2123 4567", NULL, "+85221234567"),
	ACC("phone_intl", "+886 2 2345 6789", NULL, "+886223456789"),
	ACC("phone_intl", "+61 2 9876 5432", NULL, "+61298765432"),
	ACC("phone_intl", "+7 495 123-45-67", NULL, "+74951234567"),
	ACC("phone_intl", "+358 40 1234567", NULL, "+358401234567"),	/* default bound */
	ACC("phone_intl", "TEL:+44 20 7946 0958まで", "+44 20 7946 0958", "+442079460958"),
	ACC("phone_intl", "電話+1 415 555 0100", "+1 415 555 0100", "+14155550100"),
	REJ("phone_intl", "+81 90-1234-5678", NULL),	/* phone_jp's */
	REJ("phone_intl", "+819012345678", NULL),
	ACC("phone_intl", "+44 1632 96096", NULL, "+44163296096"),	/* UK NSN 9 */
	REJ("phone_intl", "+44 20 7946 09", NULL),	/* UK NSN 8 */
	REJ("phone_intl", "+33 1 23 45 67 89 10", "+33 1 23 45 67 89"),	/* goes on */
	REJ("phone_intl", "+4 21 234 567 890", NULL),	/* code split across groups (421) */
	REJ("phone_intl", "++44 20 7946 0958", "+44 20 7946 0958"),
	REJ("phone_intl", "+44 20 7946 09581", NULL),	/* 11 */
	REJ("phone_intl", "+1 415 555 010", NULL),	/* NANP is 10 */
	REJ("phone_intl", "+1 415 555 01000", NULL),
	REJ("phone_intl", "+1 015 555 0100", NULL),	/* area code starts 0 */
	REJ("phone_intl", "+1 415 155 0100", NULL),	/* exchange starts 1 */
	REJ("phone_intl", "+33 12 34 56 78", NULL),	/* France is 9 */
	REJ("phone_intl", "+42 123 456 789", NULL),	/* no code 42 */
	REJ("phone_intl", "+800 1234 5678", NULL),	/* global service, not listed */
	REJ("phone_intl", "+1234567890123456", NULL),	/* over 15 digits */
	REJ("phone_intl", "44 20 7946 0958", NULL),	/* no + */
	REJ("phone_intl", "+", NULL),
	REJ("phone_intl", "+44 20 7946 0958", "+44 20 7946"),	/* group continues */
	REJ("phone_intl", "a+44 20 7946 0958", "+44 20 7946 0958"),
	REJ("phone_intl", "1+44 20 7946 0958", "+44 20 7946 0958"),
	REJ("phone_intl", "+44 20 7946 0958X", "+44 20 7946 0958"),
	REJ("phone_intl", "+44 20 7946 09581", "+44 20 7946 0958"),
	REJ("phone_intl", "+44 20 7946 0958-1", "+44 20 7946 0958"),
	REJ("phone_intl", "+44 20 7946 0958 1", "+44 20 7946 0958"),
	REJ("phone_intl", "+44  20 7946 0958", NULL),	/* two spaces */
	REJ("phone_intl", "+44 20 7946 0958 ", NULL),
	REJ("phone_intl", "+44 (0) (20) 7946 0958", NULL),	/* two parentheses */
	REJ("phone_intl", "+44 20 (7946) 0958", NULL),	/* parentheses not after the code */
	REJ("phone_intl", "+4420 (0)7946 0958", NULL),
	REJ("phone_intl", "+49 (030) 1234567", NULL),	/* trunk and area code mixed */
	REJ("phone_intl", "+44 (0)", NULL),
	REJ("phone_intl", "+33 1 2 3 4 5 6 7 8 9", NULL),	/* 1-digit groups */
	REJ("phone_intl", "+33 12 34 56 78 9", NULL),

	/* ---- postal_jp ---------------------------------------------------------------------- */
	ACC("postal_jp", "〒100-8914 東京都千代田区永田町1-6-1", "〒100-8914", "100-8914 東京都千代田区 永田町1-6-1"),
	ACC("postal_jp", "〒100-8914東京都千代田区", "〒100-8914", "100-8914 東京都千代田区"),
	ACC("postal_jp", "〒 100-8914 東京都 千代田区", "〒 100-8914", "100-8914 東京都千代田区"),
	ACC("postal_jp", "〒100-8914 東京都千代田区", "100-8914", "100-8914 東京都千代田区"),
	ACC("postal_jp", "100-8914 東京都千代田区", "100-8914", "100-8914 東京都千代田区"),
	ACC("postal_jp", "〒100-8914\n東京都千代田区", "〒100-8914", "100-8914 東京都千代田区"),
	ACC("postal_jp", "〒100-8914\r\n  東京都千代田区", "〒100-8914", "100-8914 東京都千代田区"),
	ACC("postal_jp", "〒231-0005 神奈川県横浜市中区本町6-50-10", "〒231-0005",
	    "231-0005 神奈川県横浜市中区 本町6-50-10"),
	ACC("postal_jp", "〒231-0005 横浜市中区本町6-50-10", "〒231-0005", "231-0005 横浜市中区 本町6-50-10"),
	ACC("postal_jp", "〒460-8508 愛知県名古屋市中区三の丸", "〒460-8508",
	    "460-8508 愛知県名古屋市中区 三の丸"),
	ACC("postal_jp", "〒453-0001 名古屋市中村区", "〒453-0001", "453-0001 名古屋市中村区"),
	ACC("postal_jp", "〒060-8588 北海道札幌市中央区北3条西6", "〒060-8588",
	    "060-8588 北海道札幌市中央区 北3条西6"),
	ACC("postal_jp", "〒194-8520 東京都町田市森野2-2-22", "〒194-8520", "194-8520 東京都町田市 森野2-2-22"),
	ACC("postal_jp", "〒272-8501 千葉県市川市八幡1-1-1", "〒272-8501", "272-8501 千葉県市川市 八幡1-1-1"),
	ACC("postal_jp", "〒948-8501 新潟県十日町市千歳町", "〒948-8501", "948-8501 新潟県十日町市 千歳町"),
	ACC("postal_jp", "〒921-8510 石川県野々市市三納", "〒921-8510", "921-8510 石川県野々市市 三納"),
	ACC("postal_jp", "〒510-8601 三重県四日市市諏訪町", "〒510-8601", "510-8601 三重県四日市市 諏訪町"),
	ACC("postal_jp", "〒930-0393 富山県中新川郡上市町", "〒930-0393",
	    "930-0393 富山県中新川郡上市町"),
	ACC("postal_jp", "〒189-8501 東京都東村山市本町", "〒189-8501", "189-8501 東京都東村山市 本町"),
	ACC("postal_jp", "〒044-8501 北海道虻田郡倶知安町北1条東3丁目", "〒044-8501",
	    "044-8501 北海道虻田郡倶知安町 北1条東3丁目"),
	ACC("postal_jp", "〒190-0192 東京都西多摩郡日の出町平井", "〒190-0192",
	    "190-0192 東京都西多摩郡日の出町 平井"),
	ACC("postal_jp", "〒838-0198 福岡県小郡市小郡", "〒838-0198", "838-0198 福岡県小郡市 小郡"),
	ACC("postal_jp", "〒639-1198 奈良県大和郡山市北郡山町", "〒639-1198",
	    "639-1198 奈良県大和郡山市 北郡山町"),
	ACC("postal_jp", "〒330-9588 埼玉県さいたま市浦和区常盤6", "〒330-9588",
	    "330-9588 埼玉県さいたま市浦和区 常盤6"),
	ACC("postal_jp", "〒400-0395 山梨県南アルプス市小笠原", "〒400-0395",
	    "400-0395 山梨県南アルプス市 小笠原"),
	ACC("postal_jp", "〒100" MINUS "8914 東京都千代田区", "〒100" MINUS "8914",
	    "100-8914 東京都千代田区"),
	ACC("postal_jp", "〒100" LONG "8914 東京都千代田区", "〒100" LONG "8914",
	    "100-8914 東京都千代田区"),
	ACC("postal_jp", "〒1008914 東京都千代田区", "〒1008914", "100-8914 東京都千代田区"),
	ACC("postal_jp", "〒1008914 東京都千代田区", "1008914", "100-8914 東京都千代田区"),
	ACC("postal_jp", "〒900-8570 沖縄県那覇市泉崎", "〒900-8570", "900-8570 沖縄県那覇市 泉崎"),
	ACC("postal_jp", "〒890-8577 鹿児島県鹿児島市鴨池新町", "〒890-8577",
	    "890-8577 鹿児島県鹿児島市 鴨池新町"),
	ACC("postal_jp", "住所:〒100-0001 千代田区千代田1-1", "〒100-0001", "100-0001 千代田区 千代田1-1"),
	REJ("postal_jp", "〒100-8914", NULL),	/* alone */
	REJ("postal_jp", "〒100-8914 ", "〒100-8914"),
	REJ("postal_jp", "〒100-8914 の件について", "〒100-8914"),
	REJ("postal_jp", "123-4567 について町内会", "123-4567"),	/* kana without prefecture */
	REJ("postal_jp", "〒100-8914 東京都", "〒100-8914"),	/* prefecture, no municipality */
	REJ("postal_jp", "〒100-8914 東京都1-1", "〒100-8914"),
	REJ("postal_jp", "1008914 東京都千代田区", "1008914"),	/* 7 digits without 〒 */
	REJ("postal_jp", "100-89145 東京都千代田区", "100-8914"),
	REJ("postal_jp", "03-1234-5678 東京都千代田区", "234-5678"),
	REJ("postal_jp", "9100-8914 東京都千代田区", "100-8914"),
	REJ("postal_jp", "1-100-8914 東京都千代田区", "100-8914"),
	REJ("postal_jp", "ABC100-8914 東京都千代田区", "100-8914"),
	REJ("postal_jp", "〒100-8914 X東京都千代田区", "〒100-8914"),
	REJ("postal_jp", "〒100-8914     東京都千代田区", "〒100-8914"),	/* 5 spaces */
	REJ("postal_jp", "〒100 8914 東京都千代田区", "〒100 8914"),
	REJ("postal_jp", "〒10-08914 東京都千代田区", "〒10-08914"),
	REJ("postal_jp", "〒100-8914 千代田", "〒100-8914"),	/* no suffix */
	REJ("postal_jp", "〒100-8914 東京都東西南北上下左右前後区", "〒100-8914"),	/* too long */

	/* ---- bank_account_jp ---------------------------------------------------------------- */
	ACC("bank_account_jp", "みずほ銀行 渋谷支店 普通 1234567", "1234567", "渋谷支店-1234567"),
	ACC("bank_account_jp", "振込先:三菱UFJ銀行 新宿支店\n普通預金 口座番号 7654321", "7654321",
	    "新宿支店-7654321"),
	ACC("bank_account_jp", "みずほ銀行渋谷支店 当座 1234567", "1234567", "渋谷支店-1234567"),
	ACC("bank_account_jp", "ゆうちょ銀行 〇一八店 普通 1234567", "1234567", "1234567"),
	ACC("bank_account_jp", "銀行コード:0001 支店コード:123 口座番号:1234567", "1234567",
	    "123-1234567"),
	ACC("bank_account_jp", "金融機関コード 0005 店番 456 普通 1234567", "1234567",
	    "456-1234567"),
	ACC("bank_account_jp", "渋谷支店 店番号123 普通 1234567", "1234567", "123-1234567"),
	ACC("bank_account_jp", "城南信用金庫 大井町支店 普通 1234567", "1234567",
	    "大井町支店-1234567"),
	ACC("bank_account_jp", "東京信金 本店 貯蓄 1234567", "1234567", "本店-1234567"),
	ACC("bank_account_jp", "JA東京農協 普通 1234567", "1234567", "1234567"),
	ACC("bank_account_jp", "中央労働金庫 新宿出張所 普通 1234567", "1234567",
	    "新宿出張所-1234567"),
	ACC("bank_account_jp", "りそな銀行 東京営業部 普通 1234567", "1234567",
	    "東京営業部-1234567"),
	ACC("bank_account_jp", "銀行名:PayPay銀行 支店名:ビジネス営業部 口座:1234567", "1234567",
	    "ビジネス営業部-1234567"),
	ACC("bank_account_jp", "支店名 さくら 口座番号 1234567", "1234567", "さくら-1234567"),
	ACC("bank_account_jp", "普通 1234567 (みずほ銀行 渋谷支店)", "1234567", "渋谷支店-1234567"),
	ACC("bank_account_jp", "口座 1234567 三井住友銀行", "1234567", "1234567"),
	ACC("bank_account_jp", "お振込は、みずほ銀行 渋谷支店 普通 1234567 へお願いします", "1234567",
	    "渋谷支店-1234567"),
	/* several branches: one before the number beats one after; the nearest wins */
	ACC("bank_account_jp", "みずほ銀行 渋谷支店 普通 1234567 (新宿支店)", "1234567",
	    "渋谷支店-1234567"),
	ACC("bank_account_jp", "旧:渋谷支店 新:新宿支店 普通 1234567", "1234567", "新宿支店-1234567"),
	ACC("bank_account_jp", "普通 1234567 新宿支店 渋谷支店", "1234567", "新宿支店-1234567"),
	ACC("bank_account_jp", "みずほ銀行渋谷支店新宿出張所 普通 1234567", "1234567",
	    "新宿出張所-1234567"),
	ACC("bank_account_jp", "店番 123 渋谷支店 普通 1234567 支店コード 456", "1234567",
	    "123-1234567"),
	REJ("bank_account_jp", "普通 1234567", "1234567"),	/* no bank */
	REJ("bank_account_jp", "みずほ銀行 渋谷支店 1234567", "1234567"),	/* no account word */
	REJ("bank_account_jp", "銀行口座 1234567", "1234567"),	/* 銀行 with no name */
	REJ("bank_account_jp", "あなたの銀行口座 1234567", "1234567"),	/* particle */
	REJ("bank_account_jp", "みずほ銀行 渋谷支店 普通 12345678", "12345678"),
	REJ("bank_account_jp", "みずほ銀行 渋谷支店 普通 123456", "123456"),
	REJ("bank_account_jp", "みずほ銀行 渋谷支店 普通 12345678", "1234567"),
	REJ("bank_account_jp", "みずほ銀行 渋谷支店 普通 91234567", "1234567"),
	REJ("bank_account_jp", "みずほ銀行 渋谷支店 普通 123-1234567", "1234567"),
	REJ("bank_account_jp", "みずほ銀行 渋谷支店 普通 1234567-8", "1234567"),
	REJ("bank_account_jp", "みずほ銀行 渋谷支店 普通 AB1234567", "1234567"),
	REJ("bank_account_jp", "みずほ銀行 渋谷支店 普通 1234 567", "1234 567"),
	/* the account word more than 30 characters before the number */
	REJ("bank_account_jp", "みずほ銀行渋谷支店 口座の件、先日お話しした内容について確認のうえで改めてご連絡いたします 1234567",
	    "1234567"),
	/* the bank more than 60 characters before and nothing after */
	REJ("bank_account_jp", "みずほ銀行。あいうえおかきくけこさしすせそたちつてとなにぬねのはひふへほまみむめもやゆよらりるれろわをんあいうえおかきくけこ 普通 1234567",
	    "1234567"),
	/* the bank after the number but on the next line */
	REJ("bank_account_jp", "普通 1234567\nみずほ銀行 渋谷支店", "1234567"),
};

/* find_cand - the offsets of the row's candidate in its text */
static void find_cand(const struct vrow *r, size_t *start, size_t *end)
{
	const char *p = r->cand ? strstr(r->text, r->cand) : r->text;
	if (!p) {
		tap_diag("row candidate [%s] not in [%s]", r->cand, r->text);
		*start = *end = 0;
		return;
	}
	*start = (size_t)(p - r->text);
	*end = *start + (r->cand ? strlen(r->cand) : strlen(r->text));
}

/* run_v - run validator fn on an exact-size copy of text (no NUL after it, so a read past the
 * end shows under ASan); value cleared before; returns the verdict */
static int run_v(lg_validator_fn fn, const char *text, size_t start, size_t end,
		 char value[LG_VALUE_MAX])
{
	size_t len = strlen(text);
	char *copy = malloc(len ? len : 1);
	memcpy(copy, text, len);
	memset(value, 0, LG_VALUE_MAX);
	int ok = fn(copy, len, start, end, value);
	free(copy);
	return ok;
}

/* esc - s with CR and LF shown as \\r and \\n, for one-line TAP descriptions */
static const char *esc(const char *s, char *buf, size_t size)
{
	size_t k = 0;
	for (; *s && k + 3 < size; s++) {
		if (*s == '\n' || *s == '\r') {
			buf[k++] = '\\';
			buf[k++] = *s == '\n' ? 'n' : 'r';
		} else {
			buf[k++] = *s;
		}
	}
	buf[k] = '\0';
	return buf;
}

/* test_rows - every row of the table */
static void test_rows(void)
{
	char value[LG_VALUE_MAX], e1[512], e2[512];
	for (size_t i = 0; i < sizeof rows / sizeof rows[0]; i++) {
		const struct vrow *r = &rows[i];
		lg_validator_fn fn = lg_validator_lookup(r->validator);
		size_t start, end;
		find_cand(r, &start, &end);
		if (!fn) {
			tap_ok(0, "%s: no such validator", r->validator);
			continue;
		}
		int ok = run_v(fn, r->text, start, end, value);
		if (!tap_ok(ok == r->accept, "%s %s [%s] in [%s]", r->validator,
			    r->accept ? "accepts" : "rejects", esc(r->cand ? r->cand : r->text, e1, sizeof e1),
			    esc(r->text, e2, sizeof e2)))
			tap_diag("value [%s]", value);
		else if (r->accept)
			tap_is_str(value, r->want, "  value");
	}
}

/* test_lookup - every name in lg_validator_names looks up, an unknown one does not */
static void test_lookup(void)
{
	static const struct {
		const char *name;
		lg_validator_fn fn;
	} want[] = {
		{ "phone_jp", lg_v_phone_jp }, { "email", lg_v_email },
		{ "phone_intl", lg_v_phone_intl }, { "my_number", lg_v_my_number },
		{ "corporate_number", lg_v_corporate_number }, { "payment_card", lg_v_payment_card },
		{ "postal_jp", lg_v_postal_jp }, { "bank_account_jp", lg_v_bank_account_jp },
	};
	for (size_t i = 0; i < sizeof want / sizeof want[0]; i++)
		tap_ok(lg_validator_lookup(want[i].name) == want[i].fn, "lookup %s", want[i].name);
	tap_ok(lg_validator_lookup("mynumber") == NULL, "lookup of an unknown name is NULL");
	tap_ok(lg_validator_lookup("") == NULL, "lookup of \"\" is NULL");
	tap_ok(lg_validator_lookup("MY_NUMBER") == NULL, "lookup is case-sensitive");
	tap_ok(lg_validator_lookup(NULL) == NULL, "lookup of NULL is NULL");

	char names[256];
	snprintf(names, sizeof names, "%s", lg_validator_names());
	tap_is_str(names, "phone_jp, email, phone_intl, my_number, corporate_number, payment_card, "
			  "postal_jp, bank_account_jp", "lg_validator_names");
	int n = 0, found = 0;
	for (char *save = NULL, *tok = strtok_r(names, ", ", &save); tok;
	     tok = strtok_r(NULL, ", ", &save), n++)
		found += lg_validator_lookup(tok) != NULL;
	tap_is_long(found, n, "every listed name looks up");
	tap_is_long(n, (long)(sizeof want / sizeof want[0]), "every validator is listed");
}

/* test_helpers - lg_digits_only and lg_digit_run_bounded */
static void test_helpers(void)
{
	char out[16];
	tap_is_long((long)lg_digits_only("1234-5678 90", 12, out, 15), 10, "digits_only count");
	tap_is_str(out, "1234567890", "digits_only digits");
	tap_is_long((long)lg_digits_only("12-34", 5, out, 4), 4, "digits_only exactly max");
	tap_is_str(out, "1234", "digits_only exactly max digits");
	tap_is_long((long)lg_digits_only("12-345", 6, out, 4), -1, "digits_only over max is -1");
	tap_is_long((long)lg_digits_only("abc", 3, out, 4), 0, "digits_only none");
	tap_is_str(out, "", "digits_only none is empty");
	tap_is_long((long)lg_digits_only("１２3", strlen("１２3"), out, 4), 1,
		    "digits_only ASCII digits only");

	static const struct {
		const char *text, *cand;
		int want;
	} b[] = {
		{ "12345", "12345", 1 }, { "a12345b", "12345", 1 }, { "電話12345です", "12345", 1 },
		{ "012345", "12345", 0 }, { "123450", "12345", 0 }, { "9-12345", "12345", 0 },
		{ "12345-9", "12345", 0 }, { "9.12345", "12345", 0 }, { "12345.9", "12345", 0 },
		{ "9,12345", "12345", 0 }, { "12345,9", "12345", 0 }, { "9_12345", "12345", 0 },
		{ "12345_9", "12345", 0 }, { "9" MINUS "12345", "12345", 0 },
		{ "12345" LONG "9", "12345", 0 }, { "12345" BAR "9", "12345", 0 },
		{ "12345-", "12345", 1 }, { "-12345", "12345", 1 }, { "a-12345", "12345", 1 },
		{ "12345.", "12345", 1 }, { "12345 9", "12345", 1 }, { "9/12345", "12345", 1 },
	};
	for (size_t i = 0; i < sizeof b / sizeof b[0]; i++) {
		const char *p = strstr(b[i].text, b[i].cand);
		size_t s = (size_t)(p - b[i].text), len = strlen(b[i].text);
		char *copy = malloc(len);
		memcpy(copy, b[i].text, len);
		tap_ok(lg_digit_run_bounded(copy, len, s, s + strlen(b[i].cand)) == (b[i].want != 0),
		       "digit_run_bounded [%s] in [%s] is %d", b[i].cand, b[i].text, b[i].want);
		free(copy);
	}
	tap_ok(!lg_digit_run_bounded("12345", 5, 0, 6), "digit_run_bounded end past len");
	tap_ok(!lg_digit_run_bounded("12345", 5, 3, 3), "digit_run_bounded empty candidate");
	tap_ok(!lg_digit_run_bounded("12345", 5, 4, 2), "digit_run_bounded start after end");
}

/* ---- check digits: independent implementations ------------------------------------------- */

/* ref_my_number - the My Number check as published with weights 6,5,4,3,2,7,6,5,4,3,2 from the
 * left (another reading of the ordinance's P_n, Q_n) */
static int ref_my_number(const char *d)
{
	static const int w[11] = { 6, 5, 4, 3, 2, 7, 6, 5, 4, 3, 2 };
	int s = 0;
	for (int i = 0; i < 11; i++)
		s += (d[i] - '0') * w[i];
	int c = 11 - s % 11;
	return (c >= 10 ? 0 : c) == d[11] - '0';
}

/* ref_corporate - the corporate check as in the NTA's leaflet: twice the digits in even places
 * from the right plus those in odd places, 9 minus that mod 9 */
static int ref_corporate(const char *d)
{
	int even = 0, odd = 0;
	for (int n = 1; n <= 12; n++) {
		int p = d[13 - n] - '0';
		if (n % 2)
			odd += p;
		else
			even += p;
	}
	return 9 - (even * 2 + odd) % 9 == d[0] - '0';
}

/* ref_luhn - Luhn by doubling from the right and summing digit sums */
static int ref_luhn(const char *d)
{
	size_t n = strlen(d);
	int s = 0;
	for (size_t i = 0; i < n; i++) {
		int v = d[n - 1 - i] - '0';
		if (i & 1)
			v = v * 2 / 10 + v * 2 % 10;
		s += v;
	}
	return s % 10 == 0;
}

static uint64_t rng_state = 0x9E3779B97F4A7C15u;

/* rng_digit - a pseudo-random decimal digit (xorshift64*) */
static char rng_digit(void)
{
	rng_state ^= rng_state >> 12;
	rng_state ^= rng_state << 25;
	rng_state ^= rng_state >> 27;
	return (char)('0' + (rng_state * 2685821657736338717u >> 33) % 10);
}

/* accepts - does validator fn accept the whole of s? */
static int accepts(lg_validator_fn fn, const char *s)
{
	char value[LG_VALUE_MAX];
	return run_v(fn, s, 0, strlen(s), value);
}

/* single_changes - how many of the 9 * n single-digit changes of d fn accepts */
static int single_changes(lg_validator_fn fn, const char *d)
{
	char buf[32];
	size_t n = strlen(d);
	int passed = 0;
	for (size_t i = 0; i < n; i++)
		for (char c = '0'; c <= '9'; c++) {
			if (c == d[i])
				continue;
			memcpy(buf, d, n + 1);
			buf[i] = c;
			passed += accepts(fn, buf);
		}
	return passed;
}

/* test_check_digits - published numbers, single-digit changes, random numbers against the
 * independent implementations */
static void test_check_digits(void)
{
	static const char *const my[] = { "123456789018", "983205673214" };
	for (size_t i = 0; i < sizeof my / sizeof my[0]; i++) {
		tap_ok(ref_my_number(my[i]), "reference My Number check accepts %s", my[i]);
		tap_is_long(single_changes(lg_v_my_number, my[i]), 0,
			    "no single-digit change of a My Number passes (check digit not 0)");
	}
	/* Check digit 0 stands for remainders 0 and 1: a change that moves the remainder
	 * between them goes unnoticed. 998268080350 has remainder 0; count those changes
	 * independently: digit i (weight w) changed by delta with delta * w = 1 mod 11. */
	{
		static const int w[11] = { 6, 5, 4, 3, 2, 7, 6, 5, 4, 3, 2 };
		const char *d = "998268080350";
		int expect = 0;
		for (int i = 0; i < 11; i++)
			for (int c = 0; c <= 9; c++) {
				int delta = c - (d[i] - '0');
				if (delta != 0 && ((delta * w[i]) % 11 + 11) % 11 == 1)
					expect++;
			}
		tap_ok(expect > 0, "a check-0 My Number has undetected single changes (%d)", expect);
		tap_is_long(single_changes(lg_v_my_number, d), expect,
			    "single-digit changes of 998268080350 that pass: exactly the 0<->1 remainder moves");
	}
	static const char *const corp[] = { "7000012050002", "7123456789012", "7010705000725",
					    "4011001098993", "2120901007402" };
	for (size_t i = 0; i < sizeof corp / sizeof corp[0]; i++) {
		int zeros_nines = 0;
		for (int k = 1; k < 13; k++)
			zeros_nines += corp[i][k] == '0' || corp[i][k] == '9';
		tap_ok(ref_corporate(corp[i]), "reference corporate check accepts %s", corp[i]);
		/* mod 9: swapping 0 and 9 in the base is the one change it cannot see */
		tap_is_long(single_changes(lg_v_corporate_number, corp[i]), zeros_nines,
			    "single-digit changes of a corporate number that pass: the 0<->9 swaps");
	}
	static const char *const cards[] = { "4111111111111111", "5555555555554444",
					     "378282246310005", "3530111333300000",
					     "30569309025904", "6011000000000000001" };
	for (size_t i = 0; i < sizeof cards / sizeof cards[0]; i++) {
		tap_ok(ref_luhn(cards[i]), "reference Luhn accepts %s", cards[i]);
		tap_is_long(single_changes(lg_v_payment_card, cards[i]), 0,
			    "no single-digit change of a card number passes");
	}

	/* Random numbers: the validators agree with the references everywhere (but for one digit
	 * repeated, which they refuse), and about 1 in 10 pass. */
	enum { N = 200000 };
	long my_pass = 0, my_disagree = 0, co_pass = 0, co_disagree = 0, lu_pass = 0,
	     lu_disagree = 0;
	char s[20];
	for (int k = 0; k < N; k++) {
		for (int i = 0; i < 12; i++)
			s[i] = rng_digit();
		s[12] = '\0';
		int v = accepts(lg_v_my_number, s), r = ref_my_number(s);
		my_pass += v;
		my_disagree += v != r;
		for (int i = 0; i < 13; i++)
			s[i] = rng_digit();
		s[13] = '\0';
		v = accepts(lg_v_corporate_number, s), r = ref_corporate(s);
		co_pass += v;
		co_disagree += v != r;
		s[0] = '4';	/* Visa 16 */
		for (int i = 1; i < 16; i++)
			s[i] = rng_digit();
		s[16] = '\0';
		v = accepts(lg_v_payment_card, s), r = ref_luhn(s);
		lu_pass += v;
		lu_disagree += v != r;
	}
	tap_is_long(my_disagree, 0, "My Number: validator and reference agree on random numbers");
	tap_ok(my_pass > N / 10 - N / 100 && my_pass < N / 10 + N / 100,
	       "My Number: about 1 in 10 random numbers pass (%ld of %d)", my_pass, (int)N);
	tap_is_long(co_disagree, 0, "corporate: validator and reference agree on random numbers");
	tap_ok(co_pass > N / 10 - N / 100 && co_pass < N / 10 + N / 100,
	       "corporate: about 1 in 10 random numbers pass (%ld of %d)", co_pass, (int)N);
	tap_is_long(lu_disagree, 0, "card: validator and reference Luhn agree on random Visa numbers");
	tap_ok(lu_pass > N / 10 - N / 100 && lu_pass < N / 10 + N / 100,
	       "card: about 1 in 10 random Visa numbers pass Luhn (%ld of %d)", lu_pass, (int)N);

	/* Every base has exactly one check digit. */
	long one_each = 0;
	for (int k = 0; k < 10000; k++) {
		int passing = 0;
		for (int i = 0; i < 11; i++)
			s[i] = rng_digit();
		s[12] = '\0';
		for (char c = '0'; c <= '9'; c++) {
			s[11] = c;
			passing += accepts(lg_v_my_number, s);
		}
		one_each += passing == 1;
	}
	tap_is_long(one_each, 10000, "My Number: each of 10000 random bases has one check digit");
}

/* test_edges - candidates at the edges of the text, bad ranges, values at their longest */
static void test_edges(void)
{
	char value[LG_VALUE_MAX];
	static const char *const names[] = { "phone_jp", "email", "phone_intl", "my_number",
					     "corporate_number", "payment_card", "postal_jp",
					     "bank_account_jp" };
	const char *t = "123456789018";
	for (size_t i = 0; i < sizeof names / sizeof names[0]; i++) {
		lg_validator_fn fn = lg_validator_lookup(names[i]);
		tap_ok(!fn(t, 12, 5, 5, value), "%s rejects an empty candidate", names[i]);
		tap_ok(!fn(t, 12, 6, 3, value), "%s rejects start after end", names[i]);
		tap_ok(!fn("", 0, 0, 0, value), "%s rejects empty text", names[i]);
	}
	tap_ok(!lg_v_my_number(t, 12, 0, 13, value), "my_number rejects end past len");
	tap_ok(!lg_v_payment_card("4111111111111111", 16, 0, 17, value),
	       "payment_card rejects end past len");
	/* the text ends in the middle of what follows a postal code */
	const char *pc = "〒100-8914 東京都千代";
	tap_ok(!run_v(lg_v_postal_jp, pc, 0, strlen("〒100-8914"), value),
	       "postal_jp: text ends inside the municipality");
	/* the longest values */
	tap_ok(run_v(lg_v_payment_card, "6011 0000 0000 0000 001", 0, 23, value) &&
		       strlen(value) == 19, "payment_card: 19-digit value");
	tap_ok(run_v(lg_v_phone_intl, "+49 30 12345678901", 0, 18, value) &&
		       strcmp(value, "+493012345678901") == 0, "phone_intl: 15 digits");
	tap_ok(!run_v(lg_v_phone_intl, "+49 30 123456789012", 0, 19, value),
	       "phone_intl: 16 digits rejected");
}

/* test_windows - the bank validator's windows counted in characters: the account word 30
 * characters before the number is in, 31 is out; the bank starting 60 in, 61 out */
static void test_windows(void)
{
	char text[1024], value[LG_VALUE_MAX];
	for (int pad = 27; pad <= 29; pad++) {
		/* 普通 ends pad characters before the number: it starts pad + 2 before */
		int n = snprintf(text, sizeof text, "みずほ銀行 普通");
		for (int i = 0; i < pad; i++)
			n += snprintf(text + n, sizeof text - (size_t)n, "ア");
		snprintf(text + n, sizeof text - (size_t)n, "1234567");
		tap_ok(run_v(lg_v_bank_account_jp, text, (size_t)n, (size_t)n + 7, value) == (pad <= 28),
		       "bank: 普通 %d characters before the number is %s", pad + 2,
		       pad <= 28 ? "in" : "out");
	}
	for (int pad = 53; pad <= 55; pad++) {
		/* 銀行 starts pad + 5 characters before the number ("行" + pad + " 普通 ") */
		int n = snprintf(text, sizeof text, "みずほ銀行");
		for (int i = 0; i < pad; i++)
			n += snprintf(text + n, sizeof text - (size_t)n, "ア");
		n += snprintf(text + n, sizeof text - (size_t)n, " 普通 ");
		snprintf(text + n, sizeof text - (size_t)n, "1234567");
		tap_ok(run_v(lg_v_bank_account_jp, text, (size_t)n, (size_t)n + 7, value) == (pad <= 54),
		       "bank: 銀行 %d characters before the number is %s", pad + 6,
		       pad <= 54 ? "in" : "out");
	}
}

int main(void)
{
	test_lookup();
	test_helpers();
	test_rows();
	test_check_digits();
	test_edges();
	test_windows();
	return tap_done();
}
