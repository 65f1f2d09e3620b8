/* default_config.c - the built-in configuration, used when no file is given. It states every
 * key with its default value; contrib/leakguard.yaml is the same configuration, commented.
 * tests/unit/test_config.c checks that the two agree and match the key table's defaults. */
#include "config/config.h"

const char lg_default_config_yaml[] =
	"# leakguard built-in configuration\n"
	"listen: \"unix:/run/leakguard/leakguard.sock\"\n"
	"user: leakguard\n"
	"socket_mode: \"0660\"\n"
	"pidfile: null\n"
	"spool_dir: /var/tmp\n"
	"log_facility: mail\n"
	"internal_domains: []\n"
	"limits:\n"
	"  spool_memory: 1M\n"
	"  message_size: 50M\n"
	"  depth: 20\n"
	"  parts: 1000\n"
	"  part_size: 25M\n"
	"  text_size: 20M\n"
	"policy:\n"
	"  default_action: accept\n"
	"  rules:\n"
	"    - name: personal-data-external\n"
	"      when: \"findings.total >= 10 and recipients.external >= 1\"\n"
	"      action: hold\n"
	"      reason: \"This message carries personal data (10 or more phone numbers or e-mail "
	"addresses) addressed outside the organisation. / "
	"外部宛てのメールに個人情報(電話番号・メールアドレス10件以上)が含まれています。\"\n"
	"      stop: true\n";
