import { markersIn } from '../../../functions/jiraSync/clients/jira-replies';
import { START_STATUS, TransitionCache } from '../../../functions/jiraSync/transition-cache';

const CLOSE = { id: '21', name: 'Close', to: 'Closed' };
const START = { id: '11', name: 'Start', to: 'In Progress' };
const REOPEN = { id: '31', name: 'Reopen', to: 'Open' };

describe('TransitionCache', () => {
  it('finds a transition per issue type and status, exact name first, then ignoring case', () => {
    const cache = new TransitionCache();
    expect(cache.knows('10004', START_STATUS)).toBe(false);
    expect(cache.find('10004', START_STATUS, 'Close')).toBeUndefined();
    cache.learn('10004', START_STATUS, [START, CLOSE, { id: '99', name: 'close', to: 'Elsewhere' }]);
    expect(cache.knows('10004', START_STATUS)).toBe(true);
    expect(cache.find('10004', START_STATUS, 'Close')).toEqual(CLOSE);
    expect(cache.find('10004', START_STATUS, 'CLOSE')).toEqual(CLOSE);
    expect(cache.find('10004', START_STATUS, 'Reopen')).toBeUndefined();
    expect(cache.find('10002', START_STATUS, 'Close')).toBeUndefined();
    expect(cache.find('10004', 'Open', 'Close')).toBeUndefined();
  });

  it('learns from search results and forgets a transition Jira refused', () => {
    const cache = new TransitionCache();
    cache.learnFromSearch([
      { issueTypeId: '10004', status: 'Closed', transitions: [REOPEN] },
      { issueTypeId: '10004', status: 'Open', transitions: [START, CLOSE] },
      { issueTypeId: '', status: 'Open', transitions: [REOPEN] },
    ]);
    expect(cache.find('10004', 'Closed', 'Reopen')).toEqual(REOPEN);
    expect(cache.find('10004', 'Open', 'Close')).toEqual(CLOSE);
    cache.refuse('10004', 'Open', '21');
    expect(cache.find('10004', 'Open', 'Close')).toBeUndefined();
    expect(cache.find('10004', 'Closed', 'Reopen')).toEqual(REOPEN);
  });

  it('hands out copies', () => {
    const cache = new TransitionCache();
    cache.learn('1', 'Open', [CLOSE]);
    cache.find('1', 'Open', 'Close')!.id = 'changed';
    expect(cache.find('1', 'Open', 'Close')!.id).toBe('21');
  });
});

describe('markersIn', () => {
  it('collects change markers from ADF bodies and plain text', () => {
    const adf = (text: string) => ({ type: 'doc', version: 1, content: [{ type: 'paragraph', content: [{ type: 'text', text }] }] });
    expect(markersIn([adf('halo-change:h1@2026-11-23T10:00:00Z'), undefined, 'x halo-change:h1@b y', adf('nothing'), adf('halo-change:h1@2026-11-23T10:00:00Z')]))
      .toEqual(['halo-change:h1@2026-11-23T10:00:00Z', 'halo-change:h1@b']);
  });
});
