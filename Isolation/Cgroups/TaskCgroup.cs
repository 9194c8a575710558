using System.Diagnostics;
using System.Globalization;
using MiniMesos.Core.Isolation;
using MiniMesos.Isolation.Libc;

namespace MiniMesos.Isolation.Cgroups;

/// <summary>One task's cgroup: membership, emptiness, kill-all and removal (core files, no controller needed).</summary>
internal sealed class TaskCgroup(string dir)
{
    public string Dir { get; } = dir;

    public void AddProcess(int pid) =>
        CgroupFile.Write(Path.Join(Dir, "cgroup.procs"), pid.ToString(CultureInfo.InvariantCulture));

    public IReadOnlyList<int> Pids() =>
        CgroupFile.ReadWords(Path.Join(Dir, "cgroup.procs")).Select(s => int.Parse(s, CultureInfo.InvariantCulture)).ToList();

    /// <summary>True while any process is in the cgroup; also true if the file cannot be read, to stay on the safe side.</summary>
    public bool IsPopulated()
    {
        var text = CgroupFile.TryRead(Path.Join(Dir, "cgroup.events"));
        return text is null ? Directory.Exists(Dir) : FlatKeyed.Get(text, "populated") != 0;
    }

    /// <summary>SIGKILL to every process in the cgroup and below: cgroup.kill (5.14+), else each pid in cgroup.procs.</summary>
    public void KillAll()
    {
        var killFile = Path.Join(Dir, "cgroup.kill");
        if (File.Exists(killFile))
        {
            try
            {
                CgroupFile.Write(killFile, "1");
                return;
            }
            catch (LibcException)
            {
                // fall through to the per-pid kill
            }
        }

        // Repeat: a process may fork between reading cgroup.procs and the kill.
        for (var round = 0; round < 10 && IsPopulated(); round++)
        {
            foreach (var pid in Pids())
            {
                Signal.kill(pid, Signal.SIGKILL);
            }
        }
    }

    /// <summary>Waits until the cgroup is empty (killing if it does not empty by itself) and removes it.</summary>
    public async Task RemoveAsync(TimeSpan killAfter)
    {
        var started = Stopwatch.GetTimestamp(); // monotonic: a wall clock that jumps must not delay the kill
        var killed = false;
        for (var i = 0; i < 1000 && IsPopulated(); i++)
        {
            if (!killed && Stopwatch.GetElapsedTime(started) > killAfter)
            {
                KillAll();
                killed = true;
            }

            await Task.Delay(10).ConfigureAwait(false);
        }

        for (var i = 0; i < 50 && !TryRemove(); i++)
        {
            await Task.Delay(20).ConfigureAwait(false); // EBUSY right after the last exit is normal
        }
    }

    public bool TryRemove()
    {
        try
        {
            Directory.Delete(Dir); // rmdir: cgroupfs removes the interface files itself
            return true;
        }
        catch (DirectoryNotFoundException)
        {
            return true;
        }
        catch (IOException)
        {
            return false;
        }
    }
}
