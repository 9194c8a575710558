using Tmds.Linux;

namespace MiniMesos.Isolation.Libc;

/// <summary>sched.h: namespaces.</summary>
internal static class Sched
{
    public const int CLONE_FS = 0x00000200;
    public const int CLONE_NEWNS = 0x00020000;
    public const int CLONE_NEWUTS = 0x04000000;
    public const int CLONE_NEWIPC = 0x08000000;
    public const int CLONE_NEWPID = 0x20000000;
    public const int CLONE_NEWNET = 0x40000000;

    /// <summary>Applies to the calling thread only: fork from the same thread to land a child in the new namespaces.</summary>
    public static int unshare(int flags) => LibC.unshare(flags);

    public static int setns(int fd, int nstype) => LibC.setns(fd, nstype);
}
