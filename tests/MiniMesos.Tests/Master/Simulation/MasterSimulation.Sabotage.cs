using MiniMesos.Core.Model;

namespace MiniMesos.Tests.Master.Simulation;

/// <summary>The deliberate bugs of <see cref="SimSabotage"/>, for the tests that prove the checks bite.</summary>
internal sealed partial class MasterSimulation
{
    private void Sabotage()
    {
        _sabotaged = true;
        switch (_o.Sabotage)
        {
            case SimSabotage.SilentTaskLoss:
                var agent = _agents.First(a => a.Link is not null && a.Running.Any());
                agent.Sandboxes.Remove(agent.Running.First());
                break;
            case SimSabotage.LostAcknowledgedDeployment:
                _deployments["/never-sent"] = [(new Core.Frameworks.Apps.AppSpec("/never-sent", Cmd: "x", Version: "v9999"), true)];
                break;
            case SimSabotage.StrayProcess:
                _agents[^1].Sandboxes["stray.1"] = (TaskState.Running, false);
                break;
        }
    }
}
