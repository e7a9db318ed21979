// SPDX-License-Identifier: GPL-2.0
/* kobject_init() takes a const struct kobj_type (6.2+). */
#include <linux/kobject.h>
void probe(struct kobject *kobj, const struct kobj_type *ktype);
void probe(struct kobject *kobj, const struct kobj_type *ktype)
{
	kobject_init(kobj, ktype);
}
