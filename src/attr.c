// SPDX-License-Identifier: GPL-2.0
/*
 * Reading what nvme-core publishes in sysfs, from inside the kernel.
 *
 * nvme-core's structures are private (drivers/nvme/host/nvme.h is in no
 * headers package), but its namespace disks and controllers carry documented
 * sysfs attributes: nsid, wwid, eui, nguid, uuid, csi on the disk; subsysnqn,
 * cntlid, state, transport, numa_node on the controller.  We find the
 * attribute in the device's attribute groups, honour the group's
 * is_visible(), and call its show() method - exactly what a read of the
 * sysfs file does, minus the VFS.
 *
 * Callers must keep the device's driver data alive: namespace attributes are
 * read from the class interface's add_dev callback (the namespace is being
 * added and cannot go away under it) and controller attributes only while a
 * reference to the controller device is held.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/device.h>
#include <linux/slab.h>
#include <linux/string.h>
#include <linux/sysfs.h>

#include "nvme_mpath.h"

static int mpath_show_from_groups(struct device *dev,
				  const struct attribute_group *const *groups,
				  const char *name, char *buf)
{
	const struct attribute_group *grp;
	struct device_attribute *dattr;
	struct attribute **attrs;
	int i, j;
	ssize_t ret;

	for (i = 0; groups && groups[i]; i++) {
		grp = groups[i];
		if (grp->name)		/* a subdirectory: not ours to read */
			continue;
		attrs = grp->attrs;
		for (j = 0; attrs && attrs[j]; j++) {
			if (strcmp(attrs[j]->name, name))
				continue;
			if (grp->is_visible &&
			    !grp->is_visible(&dev->kobj, attrs[j], j))
				return -ENOENT;
			dattr = container_of(attrs[j], struct device_attribute,
					     attr);
			if (!dattr->show)
				return -EACCES;
			buf[0] = '\0';
			ret = dattr->show(dev, dattr, buf);
			if (ret < 0)
				return ret;
			if (ret >= PAGE_SIZE)
				return -EOVERFLOW;
			buf[ret] = '\0';
			strim(buf);
			return 0;
		}
	}
	return -ENOENT;
}

/**
 * mpath_read_attr - read a device attribute as its sysfs file shows it
 * @dev:  the device
 * @name: attribute name, e.g. "wwid"
 * @buf:  PAGE_SIZE buffer; gets the value without trailing white space
 *
 * Return: 0, -ENOENT if the device does not show the attribute, or the
 * error of its show() method.
 */
int mpath_read_attr(struct device *dev, const char *name, char *buf)
{
	int ret;

	ret = mpath_show_from_groups(dev, dev->groups, name, buf);
	if (ret != -ENOENT)
		return ret;
	if (dev->type) {
		ret = mpath_show_from_groups(dev, dev->type->groups, name, buf);
		if (ret != -ENOENT)
			return ret;
	}
	if (dev->class)
		return mpath_show_from_groups(dev, dev->class->dev_groups,
					      name, buf);
	return -ENOENT;
}

static int mpath_read_u32(struct device *dev, const char *name, char *buf,
			  u32 *val)
{
	int ret = mpath_read_attr(dev, name, buf);

	if (ret)
		return ret;
	return kstrtou32(buf, 0, val);
}

/* Reads a string attribute into @dst (@buf: PAGE_SIZE scratch). */
static int mpath_read_str(struct device *dev, const char *name, char *buf,
			  char *dst, size_t len)
{
	int ret = mpath_read_attr(dev, name, buf);

	if (ret)
		return ret;
	if (strscpy(dst, buf, len) < 0)
		return -EOVERFLOW;
	return 0;
}

/* Optional identifiers: absent (not shown) reads as the empty string. */
static int mpath_read_opt(struct device *dev, const char *name, char *buf,
			  char *dst, size_t len)
{
	int ret = mpath_read_str(dev, name, buf, dst, len);

	if (ret == -ENOENT) {
		dst[0] = '\0';
		return 0;
	}
	return ret;
}

/**
 * mpath_read_ident - read the identity of a namespace disk and its controller
 * @disk_dev: the namespace disk's device (parent: the nvme controller)
 * @id:       filled in
 */
int mpath_read_ident(struct device *disk_dev, struct mpath_ident *id)
{
	struct gendisk *disk = dev_to_disk(disk_dev);
	struct device *ctrl = disk_dev->parent;
	char *buf;
	int node;
	int ret;

	buf = (char *)__get_free_page(GFP_KERNEL);
	if (!buf)
		return -ENOMEM;

	memset(id, 0, sizeof(*id));
	ret = mpath_read_u32(disk_dev, "nsid", buf, &id->nsid);
	if (ret)
		goto out;
	ret = mpath_read_str(disk_dev, "wwid", buf, id->wwid, sizeof(id->wwid));
	if (ret)
		goto out;
	ret = mpath_read_opt(disk_dev, "eui", buf, id->eui, sizeof(id->eui)) ?:
	      mpath_read_opt(disk_dev, "nguid", buf, id->nguid,
			     sizeof(id->nguid)) ?:
	      mpath_read_opt(disk_dev, "uuid", buf, id->uuid, sizeof(id->uuid));
	if (ret)
		goto out;
	/* csi is absent on old kernels: that means the NVM command set. */
	if (mpath_read_u32(disk_dev, "csi", buf, &id->csi))
		id->csi = 0;

	ret = mpath_read_str(ctrl, "subsysnqn", buf, id->nqn, sizeof(id->nqn));
	if (ret)
		goto out;
	ret = mpath_read_u32(ctrl, "cntlid", buf, &id->cntlid);
	if (ret)
		goto out;
	ret = mpath_read_opt(ctrl, "transport", buf, id->transport,
			     sizeof(id->transport));
	if (ret)
		goto out;
	id->numa_node = NUMA_NO_NODE;
	if (!mpath_read_attr(ctrl, "numa_node", buf) && !kstrtoint(buf, 0, &node) &&
	    node >= 0 && node < nr_node_ids)
		id->numa_node = node;

	id->capacity = get_capacity(disk);
	id->lbs = queue_logical_block_size(disk->queue);
	id->devt = disk_devt(disk);
	strscpy(id->disk_name, disk->disk_name, sizeof(id->disk_name));
	strscpy(id->ctrl_name, dev_name(ctrl), sizeof(id->ctrl_name));
out:
	free_page((unsigned long)buf);
	return ret;
}

/**
 * mpath_read_ctrl_attr - read one string attribute of a controller
 * @ctrl_dev: controller device; the caller holds a reference to it
 * @name:     attribute, e.g. "address"
 * @dst:      gets the value
 * @len:      size of @dst
 */
int mpath_read_ctrl_attr(struct device *ctrl_dev, const char *name, char *dst,
			 size_t len)
{
	char *buf;
	int ret;

	buf = (char *)__get_free_page(GFP_KERNEL);
	if (!buf)
		return -ENOMEM;
	ret = mpath_read_str(ctrl_dev, name, buf, dst, len);
	free_page((unsigned long)buf);
	return ret;
}

/* A controller's state: "live", "resetting", "connecting", ... */
int mpath_read_ctrl_state(struct device *ctrl_dev, char *state, size_t len)
{
	return mpath_read_ctrl_attr(ctrl_dev, "state", state, len);
}
