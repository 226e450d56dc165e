/**
 * A CA process of its own for the crash test of the SQLite store (`sqlite-group-commit.test.ts`):
 * opens the store at the location given (e.g. `sqlite:<path>?synchronous=normal`), writes a few
 * applications at once, prints their ids once the writes returned, then waits to be killed with
 * SIGKILL (`node --import tsx sqlite-writer-child.ts <location>`).
 */
import { openCaRepository } from '../../src/index.js';

const [location] = process.argv.slice(2) as [string];
const store = await openCaRepository(location);
const now = new Date();
const ids = Array.from({ length: 5 }, (_, i) => `crash-${process.pid}-${i}`);
await Promise.all(
  ids.map((id) =>
    store.createApplication(
      {
        id,
        kind: 'individual',
        template: 'individual',
        iin: '850315300128',
        status: 'otp-sent',
        createdAt: now,
        updatedAt: now,
        expiresAt: new Date(now.getTime() + 86_400_000),
        data: {
          person: {
            iin: '850315300128',
            surname: 'ТЕСТОВ',
            givenName: 'ТЕСТ',
            birthDate: '1985-03-15',
            sex: 'male',
          },
        },
      },
      'applicant:850315300128',
      { actor: 'applicant:850315300128', action: 'application.started', entity: `application:${id}` },
    ),
  ),
);
process.stdout.write(`${JSON.stringify({ ids })}\n`);
setInterval(() => {}, 1 << 30);
